namespace Orchestrator.Contracts;

/// <summary>
/// Scheduler to StateStore: up to <paramref name="Limit"/> Pending tasks, oldest first, starting after
/// <paramref name="After"/> when given, and, when <paramref name="IncludeNodes"/>, a snapshot of every node (a
/// Scheduler whose view of the nodes is fresh asks for the tasks alone). Answered with <see cref="PlacementWork"/>.
/// </summary>
public sealed record GetPlacementWork(int Limit = 200, PendingCursor? After = null, bool IncludeNodes = true);

/// <summary>A place in the Pending queue: the last task of a batch, in the queue's order (submitted, then id).</summary>
public sealed record PendingCursor(DateTimeOffset CreatedAt, Guid TaskId);
