namespace Orchestrator.Contracts;

/// <summary>StateStore: a node is draining; its tasks are Pending again and want new places.</summary>
public sealed record NodeDraining(Guid NodeId, string Name);
