using Orchestrator.Contracts;
using Orchestrator.Domain.Jobs;
using Orchestrator.Domain.Tasks;

namespace Orchestrator.StateStore.Persistence.Entities;

/// <summary>
/// A job as StateStore stores it. Its tasks are <see cref="TaskRecord"/>s that name it. It changes only through its
/// methods: a new spec (<see cref="Apply"/>), a new count (<see cref="ScaleTo"/>), and what the reconciler says of its
/// progress (<see cref="ClearMessage"/>, <see cref="WaitForAdmission"/>, <see cref="HoldBack"/>, <see cref="NoteRollout"/>).
/// </summary>
public sealed class JobRecord
{
    // For EF Core, which sets the columns itself.
    private JobRecord()
    {
    }

    public string Name { get; private set; } = "";

    /// <summary>The spec of the job's tasks, named after the job.</summary>
    public TaskSpec Spec { get; private set; } = null!;

    public int Count { get; private set; }
    public int Revision { get; private set; } = 1;

    /// <summary>Why the current revision was made when it was not the user's new spec: e.g. a secret it uses changed.</summary>
    public string? RevisionReason { get; private set; }

    public string? Message { get; private set; }

    /// <summary>Set while the job starts no task because its tasks keep failing: when it will start them again.</summary>
    public DateTimeOffset? HeldBackUntil { get; private set; }
    public DateTimeOffset CreatedAt { get; private set; }
    public DateTimeOffset UpdatedAt { get; private set; }

    public static JobRecord Create(string name, JobSpec spec, DateTimeOffset now) => new()
    {
        Name = name,
        Spec = spec.TaskSpecFor(name),
        Count = spec.CountOrDefault,
        CreatedAt = now,
        UpdatedAt = now,
    };

    /// <summary>A new count, by a user's scale, or 0 when the job is deleted.</summary>
    public void ScaleTo(int count, DateTimeOffset now)
    {
        Count = count;
        UpdatedAt = now;
    }

    /// <summary>The reconciler starts afresh: nothing holds the job back until it says so again.</summary>
    public void ClearMessage()
    {
        Message = null;
        HeldBackUntil = null;
    }

    /// <summary>Admission control refuses new tasks, so the job starts none for now.</summary>
    public void WaitForAdmission(string refusal) => Message = $"waiting to start tasks: {refusal}";

    /// <summary>The job's tasks keep failing: it starts none until <paramref name="until"/>.</summary>
    public void HoldBack(DateTimeOffset until, int failures)
    {
        HeldBackUntil = until;
        Message = $"{failures} tasks failed in the last {JobRollout.FailureWindow.TotalMinutes:0} minutes; starting tasks again at {until:u}";
    }

    /// <summary>Tasks of an older revision are still live; says so unless something more pressing was said.</summary>
    public void NoteRollout() =>
        Message ??= $"rolling out revision {Revision}{Because}, one task at a time as the new ones run";

    /// <summary>", because ..." when the current revision has a reason of its own, else nothing.</summary>
    public string Because => RevisionReason is null ? "" : $" because {RevisionReason}";

    /// <summary>
    /// A secret the job's tasks use has a new value: a new revision of the same spec, so the job's tasks are replaced
    /// as a spec change would replace them, and each learns the new value at its start.
    /// </summary>
    public void RollOutForSecret(string secret, int version, DateTimeOffset now)
    {
        Revision++;
        RevisionReason = $"secret {secret} changed to version {version}";
        UpdatedAt = now;
    }

    /// <summary>
    /// Takes a new task, and a new count if one is given (a spec without a count keeps the job's, so that changing
    /// the image does not also scale the job to one). A task that differs from the current one starts a new revision.
    /// </summary>
    public void Apply(JobSpec spec, DateTimeOffset now)
    {
        var task = spec.TaskSpecFor(Name);
        if (JsonColumn.Serialize(task) != JsonColumn.Serialize(Spec))
        {
            Spec = task;
            Revision++;
            RevisionReason = null;
        }
        Count = spec.Count ?? Count;
        UpdatedAt = now;
    }

    /// <summary>The spec of the task for <paramref name="slot"/>: the job's, named after the slot (web-2).</summary>
    public TaskSpec TaskSpecFor(int slot) => Spec with { Name = $"{Name}-{slot}" };

    /// <summary>Tasks that keep data in their slot's volumes are replaced stop-first, so two never write them at once.</summary>
    public RolloutOrder RolloutOrder => Spec.HasVolumes ? RolloutOrder.StopFirst : RolloutOrder.StartFirst;

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
            .Select(t => new JobTaskDetails(t.Id, t.Name, t.State, t.DesiredState, t.JobRevision ?? 0, t.NodeId, t.Message, t.JobSlot))
            .ToList(),
    };
}
