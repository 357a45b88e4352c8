namespace Orchestrator.Contracts;

/// <summary>
/// Api to StateStore: stop every task of the job and forget the job; the tasks and their history stay. Answered with
/// the job as it was, its tasks stopping, or <see cref="JobNotFound"/>.
/// </summary>
public sealed record DeleteJob(string Name);
