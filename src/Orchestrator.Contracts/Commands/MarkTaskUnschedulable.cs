namespace Orchestrator.Contracts;

/// <summary>Scheduler to StateStore: nothing fits this task now; record why, and leave it Pending.</summary>
public sealed record MarkTaskUnschedulable(Guid TaskId, int ExpectedVersion, string Reason);
