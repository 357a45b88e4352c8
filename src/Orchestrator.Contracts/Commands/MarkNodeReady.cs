namespace Orchestrator.Contracts;

/// <summary>Api to StateStore: return a drained node to service. Answered with <see cref="NodeDetails"/> or <see cref="NodeNotFound"/>.</summary>
public sealed record MarkNodeReady(Guid NodeId);
