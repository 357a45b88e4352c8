namespace Orchestrator.Contracts;

/// <summary>StateStore: a node joined or came back, so there may be room for Pending tasks.</summary>
public sealed record NodeReady(Guid NodeId, string Name);
