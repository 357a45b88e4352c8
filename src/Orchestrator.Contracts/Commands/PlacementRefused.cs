namespace Orchestrator.Contracts;

public sealed record PlacementRefused(Guid TaskId, Guid NodeId, string Reason);
