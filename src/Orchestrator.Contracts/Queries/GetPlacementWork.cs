namespace Orchestrator.Contracts;

/// <summary>
/// Scheduler to StateStore: up to <paramref name="Limit"/> Pending tasks, oldest first, starting after
/// <paramref name="After"/> when given, and, when <paramref name="IncludeNodes"/>, a snapshot of every node (a
/// Scheduler whose view of the nodes is fresh asks for the tasks alone). A Scheduler that names itself
/// (<paramref name="Member"/>) gets only its share of the Pending queue: the queue is divided among the Schedulers that
/// have asked within their <see cref="SchedulerMember.Ttl"/>, so that several place different tasks side by side
/// instead of racing for the same ones. Answered with <see cref="PlacementWork"/>.
/// </summary>
public sealed record GetPlacementWork(int Limit = 200, PendingCursor? After = null, bool IncludeNodes = true, SchedulerMember? Member = null);

/// <summary>
/// A Scheduler instance, by a name unique to it, and how long it counts among the Schedulers that share the Pending
/// queue without asking again: longer than the time between its passes, so that only a Scheduler that died (or
/// cannot reach StateStore) loses its share to the others. A TTL of zero takes it out at once: a Scheduler that stops
/// says so, and its share moves to the others without waiting.
/// </summary>
public sealed record SchedulerMember(string Name, TimeSpan Ttl);

/// <summary>A place in the Pending queue: the last task of a batch, in the queue's order (submitted, then id).</summary>
public sealed record PendingCursor(DateTimeOffset CreatedAt, Guid TaskId);
