namespace Orchestrator.Contracts;

/// <summary>
/// Scheduler to StateStore: a proposed placement, checked again and committed by StateStore only if the task
/// is still at <paramref name="ExpectedVersion"/> and the node still has room. Answered with
/// <see cref="PlacementAccepted"/> or <see cref="PlacementRefused"/>.
/// </summary>
public sealed record PlaceTask(Guid TaskId, Guid NodeId, int ExpectedVersion);
