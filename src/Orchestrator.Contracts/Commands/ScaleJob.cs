namespace Orchestrator.Contracts;

/// <summary>
/// Api to StateStore: keep <paramref name="Count"/> tasks of the job; with <paramref name="Parent"/>, the job is that
/// job's group, and no other. Answered with <see cref="JobDetails"/>, <see cref="JobNotFound"/> or <see cref="JobChangeRefused"/>.
/// </summary>
public sealed record ScaleJob(string Name, int Count, string? Parent = null);

/// <summary>
/// Api to StateStore: start a run of the periodic job now, beside its schedule, whatever its overlap policy (as
/// Nomad's periodic force does). Answered with the run's <see cref="JobDetails"/>, <see cref="JobNotFound"/>, or
/// <see cref="JobChangeRefused"/> when the job is not periodic.
/// </summary>
public sealed record RunJobNow(string Name);

/// <summary>
/// Api to StateStore: the canaries of the job's current revision are good; go on with the rollout. Answered with the
/// job's <see cref="JobDetails"/>, <see cref="JobNotFound"/>, or <see cref="JobChangeRefused"/> when no canaries wait.
/// </summary>
public sealed record PromoteJob(string Name);

/// <summary>
/// Api to StateStore: replace every task of the job, by the rules of a rollout, with the same spec (a new revision of
/// it). A job of groups restarts each group. Answered with <see cref="JobDetails"/>, <see cref="JobNotFound"/>, or
/// <see cref="JobChangeRefused"/> for a batch job.
/// </summary>
public sealed record RestartJob(string Name);

/// <summary>
/// Api to StateStore: go back to the spec of <paramref name="Revision"/>, as a new revision rolled out as any other.
/// Answered with <see cref="JobDetails"/>, <see cref="JobNotFound"/>, or <see cref="JobChangeRefused"/> for a revision
/// no longer kept, a periodic job, or a job of groups (revert each group's job).
/// </summary>
public sealed record RevertJob(string Name, int Revision);
