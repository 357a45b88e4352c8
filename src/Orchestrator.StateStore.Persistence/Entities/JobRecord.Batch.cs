using Orchestrator.Contracts;
using Orchestrator.Domain.Jobs;
using Orchestrator.Domain.Tasks;

namespace Orchestrator.StateStore.Persistence.Entities;

/// <summary>A batch job's settings and standing (<see cref="BatchRun"/>).</summary>
public sealed partial class JobRecord
{
    /// <summary>A batch job's settings (<see cref="BatchRun"/>); null for a service job.</summary>
    public int? Completions { get; private set; }
    public int? Parallelism { get; private set; }
    public int? MaxRetries { get; private set; }

    /// <summary>A batch job's standing, as its latest reconciliation found it: Running until it is Complete or Failed.</summary>
    public JobStatus Status { get; private set; }

    /// <summary>A batch job's tasks of the current revision that ended with exit 0, and those that failed.</summary>
    public int Succeeded { get; private set; }
    public int Retries { get; private set; }

    /// <summary>When a batch job became Complete or Failed.</summary>
    public DateTimeOffset? FinishedAt { get; private set; }

    /// <summary>Takes a batch job's settings; a change of them lets a finished job run again.</summary>
    private bool SetBatch(JobSpec spec)
    {
        if (spec.Type != JobType.Batch)
            return false;
        var (completions, parallelism, maxRetries) = (spec.CompletionsOrDefault, spec.ParallelismOrDefault, spec.MaxRetriesOrDefault);
        var changed = completions != Completions || parallelism != Parallelism || maxRetries != MaxRetries;
        (Completions, Parallelism, MaxRetries) = (completions, parallelism, maxRetries);
        return changed;
    }

    /// <summary>What the reconciler found of a batch job's tasks.</summary>
    public void NoteBatch(BatchPlan plan, DateTimeOffset now, string? lastFailure)
    {
        (Succeeded, Retries) = (plan.Succeeded, plan.Retries);
        if (plan.Status == Status)
            return;
        Status = plan.Status;
        FinishedAt = plan.Status == JobStatus.Running ? null : now;
        UpdatedAt = now;
        Message = plan.Status switch
        {
            JobStatus.Complete => $"complete: {Succeeded} of {Completions} tasks succeeded" + (Retries == 0 ? "" : $" after {Retries} {(Retries == 1 ? "retry" : "retries")}"),
            JobStatus.Failed => $"failed: {Retries} tasks failed, more than maxRetries {MaxRetries}" + (lastFailure is null ? "" : $"; the last: {lastFailure}"),
            _ => null,
        };
        if (Message?.Length > MaxMessageLength)
            Message = Message[..(MaxMessageLength - 1)] + "…";
    }

    /// <summary>A batch job that has ended starts no task until its spec or settings change.</summary>
    public bool HasEnded => Status != JobStatus.Running;
}
