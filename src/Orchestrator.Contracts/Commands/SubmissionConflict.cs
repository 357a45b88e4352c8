namespace Orchestrator.Contracts;

/// <summary>
/// StateStore's answer to a <see cref="SubmitTask"/> whose id is taken by a task of another spec: the id came from an
/// idempotency key that was used before for a different request. Nothing was recorded.
/// </summary>
public sealed record SubmissionConflict(Guid TaskId);
