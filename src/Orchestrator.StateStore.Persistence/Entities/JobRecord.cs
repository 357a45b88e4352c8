using Orchestrator.Contracts;
using Orchestrator.Domain.Jobs;
using Orchestrator.Domain.Tasks;

namespace Orchestrator.StateStore.Persistence.Entities;

/// <summary>
/// A job as StateStore stores it. Its tasks are <see cref="TaskRecord"/>s that name it. It changes only through its
/// methods: a new spec (<see cref="Apply"/>), a new count (<see cref="ScaleTo"/>), and what the reconciler says of its
/// progress (<see cref="ClearMessage"/>, <see cref="WaitForAdmission"/>, <see cref="HoldBack"/>, <see cref="NoteRollout"/>,
/// and for a batch job <see cref="NoteBatch"/>). What belongs to one kind of job is in a part of its own: batch,
/// periodic, groups, rollout, revisions.
/// </summary>
public sealed partial class JobRecord
{
    // For EF Core, which sets the columns itself.
    private JobRecord()
    {
    }

    public string Name { get; private set; } = "";

    /// <summary>The spec of the job's tasks, named after the job.</summary>
    public TaskSpec Spec { get; private set; } = null!;

    public JobType Type { get; private set; }

    /// <summary>A service job's count of tasks to keep alive; a system job's eligible nodes when last reconciled; 0 for a batch job.</summary>
    public int Count { get; private set; }

    public int Revision { get; private set; } = 1;

    /// <summary>Why the current revision was made when it was not the user's new spec: e.g. a secret it uses changed.</summary>
    public string? RevisionReason { get; private set; }

    public const int MaxMessageLength = 1024;

    public string? Message { get; private set; }

    /// <summary>Set while the job starts no task because its tasks keep failing: when it will start them again.</summary>
    public DateTimeOffset? HeldBackUntil { get; private set; }
    public DateTimeOffset CreatedAt { get; private set; }
    public DateTimeOffset UpdatedAt { get; private set; }

    /// <summary>A job of one group, or of <paramref name="parent"/>'s group when given.</summary>
    public static JobRecord Create(string name, JobSpec spec, DateTimeOffset now, string? parent = null)
    {
        if (spec.Groups is not null)
            return CreateGrouped(name, spec, now);
        var job = new JobRecord
        {
            Name = name,
            ParentJob = parent,
            Type = spec.Type,
            Spec = TaskOf(name, spec),
            Count = spec.Type == JobType.Service ? spec.CountOrDefault : 0,
            Update = spec.Type == JobType.Service ? spec.Update : null,
            CreatedAt = now,
            UpdatedAt = now,
        };
        job.SetBatch(spec);
        job.SetSchedule(spec, now);
        return job;
    }

    /// <summary>
    /// The spec of the job's tasks: named after the job; a batch job's tasks restart never unless they say so, so that
    /// a failure comes back to the job, which counts it as a retry.
    /// </summary>
    private static TaskSpec TaskOf(string name, JobSpec spec)
    {
        var task = spec.TaskSpecFor(name);
        return spec.Type == JobType.Batch
            ? task with { RestartPolicy = task.RestartPolicy ?? new RestartPolicy { Mode = RestartMode.Never } }
            : task;
    }

    /// <summary>Why <paramref name="spec"/> cannot change this job, or null if it can.</summary>
    public string? RefusalOf(JobSpec spec)
    {
        if ((spec.Groups is not null) != IsGrouped)
            return IsGrouped
                ? $"job {Name} has groups; give its groups, or delete it before making a job of one task spec of that name"
                : $"job {Name} has one task spec; delete it before making a job of groups of that name";
        if (spec.Type != Type || spec.IsPeriodic != IsPeriodic)
            return $"job {Name} is a {Kind(Type, IsPeriodic)} job; delete it before making a {Kind(spec.Type, spec.IsPeriodic)} job of that name";
        if (spec.Update?.Canary > (spec.Count ?? Count))
            return $"update.canary {spec.Update.Canary} is above job {Name}'s count {spec.Count ?? Count}";
        return null;
    }

    private static string Kind(JobType type, bool periodic) => periodic ? "periodic" : type.ToString().ToLowerInvariant();

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
        Message ??= FailedRevision == Revision
            ? RolloutFailure
            : $"rolling out revision {Revision}{Because}, {UpdateOrDefault.MaxParallel} task{(UpdateOrDefault.MaxParallel == 1 ? "" : "s")} at a time as the new ones serve";

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
        Reopen();
        UpdatedAt = now;
    }

    /// <summary>
    /// Takes a new task, and a new count if one is given (a spec without a count keeps the job's, so that changing
    /// the image does not also scale the job to one). A task that differs from the current one starts a new revision.
    /// </summary>
    public void Apply(JobSpec spec, DateTimeOffset now)
    {
        var task = TaskOf(Name, spec);
        var changed = SetBatch(spec);
        SetSchedule(spec, now);
        if (JsonColumn.Serialize(task) != JsonColumn.Serialize(Spec))
        {
            Spec = task;
            Revision++;
            RevisionReason = null;
            RolloutFailure = null;
            changed = true;
        }
        if (Type == JobType.Service)
            Update = spec.Update;
        if (changed)
            Reopen();
        if (Type == JobType.Service)
            Count = spec.Count ?? Count;
        UpdatedAt = now;
    }

    /// <summary>A batch job runs again: a new revision, or settings that its tasks so far may not meet.</summary>
    private void Reopen()
    {
        Status = JobStatus.Running;
        FinishedAt = null;
    }

    /// <summary>The spec of the task for <paramref name="slot"/>: the job's, named after the slot (web-2), and pinned to <paramref name="node"/> if given.</summary>
    public TaskSpec TaskSpecFor(int slot, Guid? node = null) => Spec with { Name = $"{Name}-{slot}", NodeId = node ?? Spec.NodeId };

    /// <summary>A system job found this many eligible nodes: as many tasks as it wants; and says so when there are none.</summary>
    public void NoteEligible(int nodes, int checkedNodes)
    {
        Count = nodes;
        if (nodes == 0)
            Message = $"no Ready node is eligible for the job's tasks ({checkedNodes} nodes checked: Ready, in its datacenters, with the labels and host volumes the task asks for)";
    }

    /// <summary>Tasks that keep data in their slot's volumes are replaced stop-first, so two never write them at once.</summary>
    public RolloutOrder RolloutOrder => Spec.HasVolumes ? RolloutOrder.StopFirst : RolloutOrder.StartFirst;

    /// <summary>What a user sees of the job; <paramref name="runs"/>, for a periodic job, are its runs.</summary>
    public JobDetails ToDetails(IReadOnlyList<TaskRecord> tasks, IReadOnlyList<JobRecord>? runs = null) => new()
    {
        Name = Name,
        Type = Type,
        Status = Status,
        Count = Count,
        Completions = Completions,
        Parallelism = Parallelism,
        MaxRetries = MaxRetries,
        Succeeded = Type == JobType.Batch ? Succeeded : null,
        Retries = Type == JobType.Batch ? Retries : null,
        FinishedAt = FinishedAt,
        Schedule = Schedule,
        TimeZone = TimeZone,
        Overlap = Overlap,
        KeepRuns = KeepRuns,
        LastRunAt = IsPeriodic ? LastRunAt : null,
        NextRunAt = NextRunAt,
        Parent = ParentJob,
        ScheduledAt = ScheduledAt,
        Runs = runs?.OrderByDescending(r => r.ScheduledAt).Select(r => new JobRunDetails(r.Name, r.Status, r.ScheduledAt!.Value, r.FinishedAt, r.Message)).ToList(),
        Revision = Revision,
        Update = Update,
        StableRevision = StableRevision,
        CanariesWaiting = CanariesWanted,
        FailedRevision = FailedRevision == Revision ? FailedRevision : null,
        RolloutFailure = RolloutFailure,
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
