using Orchestrator.Contracts;
using Orchestrator.Domain.Jobs;
using Orchestrator.Domain.Tasks;

namespace Orchestrator.StateStore.Persistence.Entities;

/// <summary>A job as StateStore stores it. Its tasks are <see cref="TaskRecord"/>s that name it.</summary>
public sealed class JobRecord
{
    public required string Name { get; init; }

    /// <summary>The spec of the job's tasks, named after the job.</summary>
    public required TaskSpec Spec { get; set; }

    public int Count { get; set; }
    public int Revision { get; set; } = 1;

    /// <summary>The number the next task's name gets: web-1, web-2, and so on, never reused.</summary>
    public int NextIndex { get; set; } = 1;

    public string? Message { get; set; }

    /// <summary>Set while the job starts no task because its tasks keep failing: when it will start them again.</summary>
    public DateTimeOffset? HeldBackUntil { get; set; }
    public DateTimeOffset CreatedAt { get; init; }
    public DateTimeOffset UpdatedAt { get; set; }

    public static JobRecord Create(string name, JobSpec spec, DateTimeOffset now) => new()
    {
        Name = name,
        Spec = spec.Task! with { Name = name },
        Count = spec.CountOrDefault,
        CreatedAt = now,
        UpdatedAt = now,
    };

    /// <summary>
    /// Takes a new task, and a new count if one is given (a spec without a count keeps the job's, so that changing
    /// the image does not also scale the job to one). A task that differs from the current one starts a new revision.
    /// </summary>
    public void Apply(JobSpec spec, DateTimeOffset now)
    {
        var task = spec.Task! with { Name = Name };
        if (JsonColumn.Serialize(task) != JsonColumn.Serialize(Spec))
        {
            Spec = task;
            Revision++;
        }
        Count = spec.Count ?? Count;
        UpdatedAt = now;
    }

    /// <summary>The next task's spec: the job's, named with the next number.</summary>
    public TaskSpec NextTaskSpec() => Spec with { Name = $"{Name}-{NextIndex++}" };

    public JobDetails ToDetails(IReadOnlyList<TaskRecord> tasks) => new()
    {
        Name = Name,
        Count = Count,
        Revision = Revision,
        Task = Spec,
        Running = tasks.Count(t => t.JobRevision == Revision && t.IsAvailable && t.DesiredState == DesiredState.Running),
        Message = Message,
        HeldBackUntil = HeldBackUntil,
        CreatedAt = CreatedAt,
        UpdatedAt = UpdatedAt,
        Tasks = tasks
            .OrderBy(t => t.CreatedAt)
            .Select(t => new JobTaskDetails(t.Id, t.Name, t.State, t.DesiredState, t.JobRevision ?? 0, t.NodeId, t.Message))
            .ToList(),
    };
}
