namespace Orchestrator.Contracts;

public sealed record PlacementAccepted(Guid TaskId, Guid NodeId);
