using System.Diagnostics;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata;
using Orchestrator.Domain.Jobs;
using Orchestrator.Domain.Scheduling;
using Orchestrator.Domain.Nodes;
using Orchestrator.Domain.Tasks;
using Orchestrator.StateStore.Admission;
using Orchestrator.StateStore.Persistence;
using Orchestrator.StateStore.Persistence.Entities;
using Orchestrator.StateStore.Tasks;
using Orchestrator.StateStore.Telemetry;

namespace Orchestrator.StateStore.Jobs;

/// <summary>A service job's rollout judged against its <see cref="UpdatePolicy"/>: the verdict, the revert, and what serves.</summary>
public sealed partial class JobReconciler
{
    /// <summary>
    /// Judges the current revision's rollout (<see cref="RolloutVerdict"/>): past its progress deadline without
    /// serving, it is marked failed and the rollout goes on trying (the old tasks serve meanwhile, as a rollout never
    /// stops them before new ones serve); or, with <c>autoRevert</c>, it is replaced by the last revision that rolled
    /// out, whose tasks still running are adopted by the new revision so that they are left as they are.
    /// </summary>
    private async Task JudgeRolloutAsync(JobRecord job, IReadOnlyList<TaskRecord> unfinished, CancellationToken cancellationToken)
    {
        var policy = job.UpdateOrDefault;
        var revisionTasks = await db.Tasks
            .Where(t => t.JobName == job.Name && t.JobRevision == job.Revision)
            .ToListAsync(cancellationToken);
        var wanted = job.CanariesWanted > 0 ? job.CanariesWanted : job.Count;
        var judged = revisionTasks
            .Where(t => t.DesiredState == DesiredState.Running || t.State == TaskState.Failed)
            .Select(t => new RevisionTask(t.StartedAt, t.State == TaskState.Failed ? t.FinishedAt : null, Serves(t, policy) ? t.ServingSince : null))
            .ToList();
        if (RolloutVerdict.Failure(job.Revision, policy, judged, wanted, lifecycle.Now, LastProblem(revisionTasks)) is not { } failure)
            return;
        if (!policy.AutoRevert)
        {
            job.FailRevision(failure, lifecycle.Now);
            return;
        }
        var restored = job.RevertAfter(failure, lifecycle.Now);
        AdoptLiveTasks(job, restored, unfinished);
        await RecordRevisionAsync(job, cancellationToken);
    }

    /// <summary>
    /// The job went back to <paramref name="revision"/>'s spec as its current revision: the live tasks of that revision
    /// are of the current one now, so the rollout leaves them running instead of replacing them with copies.
    /// </summary>
    public static void AdoptLiveTasks(JobRecord job, int revision, IEnumerable<TaskRecord> unfinished)
    {
        foreach (var task in unfinished.Where(t => t.JobRevision == revision && t.DesiredState == DesiredState.Running))
            task.AdoptRevision(job.Revision);
    }

    /// <summary>What last went wrong with the revision's tasks, for the verdict: a failing probe, or how one ended.</summary>
    private static string? LastProblem(IReadOnlyList<TaskRecord> tasks) =>
        tasks.OrderByDescending(t => t.CreatedAt)
            .Select(t => t switch
            {
                { LastProbeResult: { } probe, IsAvailable: false, IsTerminal: false } => $"health check: {probe}",
                { State: TaskState.Failed, Message: { } message } => message,
                _ => null,
            })
            .FirstOrDefault(problem => problem is not null);

    /// <summary>Whether a task serves, and has for the rollout's minimum, so that it counts as one of the new ones.</summary>
    private bool Serves(TaskRecord task, UpdatePolicy policy) =>
        task.ServingSince is { } since && lifecycle.Now - since >= policy.MinHealthy;
}
