namespace Orchestrator.Contracts;

public sealed record NodeNotFound(Guid NodeId);
