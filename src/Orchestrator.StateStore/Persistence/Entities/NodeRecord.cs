using Orchestrator.Contracts;
using Orchestrator.Domain.Capacity;
using Orchestrator.Domain.Nodes;

namespace Orchestrator.StateStore.Persistence.Entities;

/// <summary>A worker node, registered by its first heartbeat and kept fresh by the rest.</summary>
public sealed class NodeRecord
{
    public Guid Id { get; init; }
    public required string Name { get; set; }
    public NodeStatus Status { get; set; }
    public required Resources Capacity { get; set; }
    public required Resources Allocatable { get; set; }
    public required Resources Used { get; set; }
    public DateTimeOffset RegisteredAt { get; init; }
    public DateTimeOffset LastHeartbeatAt { get; set; }
    public DateTimeOffset? DownSince { get; set; }
    public Dictionary<string, string> Labels { get; set; } = [];

    /// <summary>What the latest heartbeat listed running for tasks StateStore does not know; they are left alone.</summary>
    public List<UnknownContainer> UnknownContainers { get; set; } = [];
}
