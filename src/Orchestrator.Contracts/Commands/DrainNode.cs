namespace Orchestrator.Contracts;

/// <summary>Api to StateStore: stop placing on this node and move its tasks elsewhere. Answered with <see cref="NodeDetails"/> or <see cref="NodeNotFound"/>.</summary>
public sealed record DrainNode(Guid NodeId);
