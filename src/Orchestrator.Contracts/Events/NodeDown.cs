namespace Orchestrator.Contracts;

/// <summary>StateStore: a node was silent for longer than its TTL.</summary>
public sealed record NodeDown(Guid NodeId, string Name, DateTimeOffset LastHeartbeatAt);
