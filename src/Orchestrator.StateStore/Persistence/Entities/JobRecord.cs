using Orchestrator.Contracts;
using Orchestrator.Domain.Jobs;
using Orchestrator.Domain.Tasks;

namespace Orchestrator.StateStore.Persistence.Entities;

/// <summary>
/// A job as StateStore stores it. Its tasks are <see cref="TaskRecord"/>s that name it. It changes only through its
/// methods: a new spec (<see cref="Apply"/>), a new count (<see cref="ScaleTo"/>), and what the reconciler says of its
/// progress (<see cref="ClearMessage"/>, <see cref="WaitForAdmission"/>, <see cref="HoldBack"/>, <see cref="NoteRollout"/>,
/// and for a batch job <see cref="NoteBatch"/>).
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

    public JobType Type { get; private set; }

    /// <summary>A service job's count of tasks to keep alive; a system job's eligible nodes when last reconciled; 0 for a batch job.</summary>
    public int Count { get; private set; }

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

    /// <summary>A periodic job's schedule (<see cref="PeriodicSchedule"/>), its time zone, overlap policy and kept runs.</summary>
    public string? Schedule { get; private set; }
    public string? TimeZone { get; private set; }
    public OverlapPolicy? Overlap { get; private set; }
    public int? KeepRuns { get; private set; }

    /// <summary>A periodic job: the time of the latest run it started or skipped (its creation, before the first).</summary>
    public DateTimeOffset? LastRunAt { get; private set; }

    /// <summary>A run of a periodic job: that job's name, and the time the run was due (or asked for).</summary>
    public string? ParentJob { get; private set; }
    public DateTimeOffset? ScheduledAt { get; private set; }

    public bool IsPeriodic => Schedule is not null;

    /// <summary>
    /// A job of groups: the names of its groups, each run by a job of its own (<c>JOB-GROUP</c>, whose
    /// <see cref="ParentJob"/> is this one); this job runs no task itself. Null for a job of one task spec.
    /// </summary>
    public List<string>? GroupNames { get; private set; }

    public bool IsGrouped => GroupNames is not null;

    public int Revision { get; private set; } = 1;

    /// <summary>The latest revision written to the job's history (<see cref="JobRevisionRecord"/>).</summary>
    public int RecordedRevision { get; private set; }

    /// <summary>The record of the current revision, when the history does not have it yet; the job notes that it has now.</summary>
    public JobRevisionRecord? UnrecordedRevision(DateTimeOffset now)
    {
        if (RecordedRevision == Revision)
            return null;
        RecordedRevision = Revision;
        return new JobRevisionRecord
        {
            JobName = Name,
            Revision = Revision,
            Spec = Spec,
            Reason = RevisionReason ?? (Revision == 1 ? "created" : "a new spec"),
            CreatedAt = now,
        };
    }

    /// <summary>
    /// A user's restart: a new revision of the same spec, so every task is replaced by the rules of a rollout. Why it
    /// cannot be, or null when it is done.
    /// </summary>
    public string? Restart(DateTimeOffset now)
    {
        if (Type == JobType.Batch)
            return $"job {Name} is a batch job, which runs to completion; a new spec or new settings run it again";
        Revision++;
        RevisionReason = "restart requested";
        UpdatedAt = now;
        return null;
    }

    /// <summary>A user's revert to <paramref name="revision"/>, whose spec was <paramref name="spec"/>: a new revision of that spec.</summary>
    public void RevertTo(int revision, TaskSpec spec, DateTimeOffset now)
    {
        Revision++;
        Spec = spec with { Name = Name };
        RevisionReason = $"revert to revision {revision}";
        RolloutFailure = null;
        Reopen();
        UpdatedAt = now;
    }

    /// <summary>A service job's rollout settings; the defaults when null.</summary>
    public UpdatePolicy? Update { get; private set; }

    public UpdatePolicy UpdateOrDefault => Update ?? UpdatePolicy.Default;

    /// <summary>The latest revision that fully rolled out, and its spec: what a failed revision reverts to.</summary>
    public int? StableRevision { get; private set; }
    public TaskSpec? StableSpec { get; private set; }

    /// <summary>The revision whose canaries were promoted, so its rollout goes on.</summary>
    public int? PromotedRevision { get; private set; }

    /// <summary>The revision declared failed; while it is the current one, the job's message says so and it is not judged again.</summary>
    public int? FailedRevision { get; private set; }

    /// <summary>Why the latest rollout failed, and what was done, kept until the job's spec changes.</summary>
    public string? RolloutFailure { get; private set; }

    /// <summary>
    /// Whether the current revision is a change being rolled out over one that served, not yet judged: a job's first
    /// revision has nothing to go back to, and its failures hold it back instead (<see cref="HoldBack"/>).
    /// </summary>
    public bool AwaitsVerdict => Type == JobType.Service && StableRevision is not null && StableRevision != Revision && FailedRevision != Revision;

    /// <summary>How many canaries the current revision runs before a promote; 0 when there is nothing to wait for.</summary>
    public int CanariesWanted =>
        AwaitsVerdict && UpdateOrDefault.Canary > 0 && PromotedRevision != Revision ? Math.Min(UpdateOrDefault.Canary, Count) : 0;

    /// <summary>The canaries serve: the rollout waits for a user's promote.</summary>
    public void WaitForPromote() =>
        Message = $"revision {Revision}'s {CanariesWanted} canaries serve beside the old tasks; `orchestrator job promote {Name}` goes on with the rollout";

    /// <summary>The current revision serves its count with no older task left: it is what a later failure reverts to.</summary>
    public void NoteStable()
    {
        StableRevision = Revision;
        StableSpec = Spec;
    }

    /// <summary>A user's promote of the canaries: the rollout goes on. Why it cannot be, or null when it is done.</summary>
    public string? Promote(DateTimeOffset now)
    {
        if (CanariesWanted == 0)
            return $"job {Name} has no canaries waiting for a promote: revision {Revision} is " +
                (FailedRevision == Revision ? "failed" : StableRevision == Revision ? "rolled out" : "rolling out without canaries");
        PromotedRevision = Revision;
        UpdatedAt = now;
        return null;
    }

    /// <summary>
    /// The current revision failed (<paramref name="why"/>). The rollout goes on trying, the old tasks serving meanwhile,
    /// until the spec changes; with <c>update.autoRevert</c> the job would have gone back instead.
    /// </summary>
    public void FailRevision(string why, DateTimeOffset now)
    {
        FailedRevision = Revision;
        RolloutFailure = $"{why}; the old tasks keep serving while it goes on trying (update.autoRevert would revert)";
        UpdatedAt = now;
    }

    /// <summary>
    /// The current revision failed (<paramref name="why"/>), and the job goes back to the last that rolled out, as a new
    /// revision of that spec. Returns the revision whose tasks are now of the new one.
    /// </summary>
    public int RevertAfter(string why, DateTimeOffset now)
    {
        var stable = StableRevision!.Value;
        FailedRevision = Revision;
        RolloutFailure = $"{why}; reverted to revision {stable}";
        Revision++;
        RevisionReason = $"revision {FailedRevision} failed and revision {stable} is restored";
        Spec = StableSpec!;
        StableRevision = Revision;
        UpdatedAt = now;
        return stable;
    }

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
    /// A job of groups, which runs none of its tasks itself: its groups' jobs do. Its spec is its first group's, as the
    /// spec a listing shows for it.
    /// </summary>
    private static JobRecord CreateGrouped(string name, JobSpec spec, DateTimeOffset now) => new()
    {
        Name = name,
        Type = spec.Type,
        Spec = spec.ForGroup(spec.Groups![0]).TaskSpecFor(name),
        GroupNames = spec.Groups.Select(g => g.Name).ToList(),
        CreatedAt = now,
        UpdatedAt = now,
    };

    /// <summary>The job of groups takes its new list of groups; the caller applies each group's job.</summary>
    public void ApplyGroups(JobSpec spec, DateTimeOffset now)
    {
        GroupNames = spec.Groups!.Select(g => g.Name).ToList();
        Spec = spec.ForGroup(spec.Groups![0]).TaskSpecFor(Name);
        UpdatedAt = now;
    }

    /// <summary>What a user sees of a job of groups: each group as a job, and the counts of them all.</summary>
    public JobDetails ToDetails(IReadOnlyList<(JobRecord Group, IReadOnlyList<TaskRecord> Tasks)> groups)
    {
        var details = groups.Select(g => g.Group.ToDetails(g.Tasks)).ToList();
        return ToDetails(groups.SelectMany(g => g.Tasks).ToList()) with
        {
            Count = details.Sum(g => g.Count),
            Running = details.Sum(g => g.Running),
            // A batch job of groups ends when each group has: Failed as soon as one has failed.
            Status = details.Any(g => g.Status == JobStatus.Failed) ? JobStatus.Failed
                : details.Count > 0 && details.All(g => g.Status == JobStatus.Complete) ? JobStatus.Complete
                : JobStatus.Running,
            Groups = details,
        };
    }

    /// <summary>Takes a periodic job's schedule; a new schedule counts from now, so it does not fire for times already past.</summary>
    private void SetSchedule(JobSpec spec, DateTimeOffset now)
    {
        if (!spec.IsPeriodic)
            return;
        if (spec.Schedule != Schedule || spec.TimeZone != TimeZone)
            LastRunAt = now;
        (Schedule, TimeZone) = (spec.Schedule, spec.TimeZone);
        Overlap = spec.Overlap ?? OverlapPolicy.Skip;
        KeepRuns = spec.KeepRuns ?? JobSpec.DefaultKeepRuns;
    }

    private PeriodicSchedule? ParsedSchedule => Schedule is null ? null : PeriodicSchedule.Parse(Schedule, TimeZone);

    /// <summary>The run due now, if one is: the latest occurrence of the schedule since the last run.</summary>
    public DateTimeOffset? DueRun(DateTimeOffset now) => ParsedSchedule?.DueRun(LastRunAt ?? CreatedAt, now);

    /// <summary>When the next run is due.</summary>
    public DateTimeOffset? NextRunAt => ParsedSchedule?.NextAfter(LastRunAt ?? CreatedAt);

    /// <summary>
    /// A run of this periodic job, due at <paramref name="due"/>: a batch job of its own, named after this one and the
    /// run's time in Unix seconds, with this job's task and settings. A scheduled run moves <see cref="LastRunAt"/>; a
    /// run asked for by a user does not, so the schedule goes on as before.
    /// </summary>
    public JobRecord StartRun(DateTimeOffset due, DateTimeOffset now, bool scheduled)
    {
        var name = RunName(due);
        if (scheduled)
        {
            LastRunAt = due;
            Message = null;
            UpdatedAt = now;
        }
        return new JobRecord
        {
            Name = name,
            Type = JobType.Batch,
            Spec = Spec with { Name = name },
            Completions = Completions,
            Parallelism = Parallelism,
            MaxRetries = MaxRetries,
            ParentJob = Name,
            ScheduledAt = due,
            CreatedAt = now,
            UpdatedAt = now,
        };
    }

    /// <summary>The name of this periodic job's run due at <paramref name="due"/>.</summary>
    public string RunName(DateTimeOffset due) => $"{Name}-{due.ToUnixTimeSeconds()}";

    /// <summary>The run due at <paramref name="due"/> does not start, <paramref name="because"/>: e.g. the last still runs, and the overlap policy is skip.</summary>
    public void SkipRun(DateTimeOffset due, string because, DateTimeOffset now)
    {
        LastRunAt = due;
        Message = $"skipped the run due at {due:u}: {because}";
        UpdatedAt = now;
    }

    /// <summary>This run is stopped before it finished, e.g. replaced by its job's next run: it ends Failed, saying why.</summary>
    public void Cancel(string why, DateTimeOffset now)
    {
        Status = JobStatus.Failed;
        FinishedAt = now;
        Message = $"stopped: {why}";
        UpdatedAt = now;
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
