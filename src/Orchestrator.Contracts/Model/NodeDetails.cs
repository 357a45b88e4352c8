using Orchestrator.Domain.Capacity;
using Orchestrator.Domain.Nodes;

namespace Orchestrator.Contracts;

/// <summary>A worker node as users see it: capacity, what it may hand out, what is asked of it, what it uses.</summary>
public sealed record NodeDetails
{
    public required Guid Id { get; init; }
    public required string Name { get; init; }

    /// <summary>Where other hosts reach the node's published ports, as its agent reports it.</summary>
    public string? Address { get; init; }
    public required NodeStatus Status { get; init; }

    /// <summary>The datacenter the node's agent reports it in (<c>Agent:Datacenter</c>).</summary>
    public string Datacenter { get; init; } = NodeDatacenter.Default;

    public required Resources Capacity { get; init; }
    public required Resources Allocatable { get; init; }
    public required Resources Allocated { get; init; }
    public required Resources Used { get; init; }
    public required int TaskCount { get; init; }
    public required DateTimeOffset RegisteredAt { get; init; }
    public required DateTimeOffset LastHeartbeatAt { get; init; }
    public DateTimeOffset? DownSince { get; init; }
    public IReadOnlyDictionary<string, string> Labels { get; init; } = new Dictionary<string, string>();

    /// <summary>The host paths the node offers to tasks by name, as its latest heartbeat listed them.</summary>
    public IReadOnlyList<HostVolume> HostVolumes { get; init; } = [];

    /// <summary>Containers the node runs for tasks the control plane does not know, as its latest heartbeat listed them.</summary>
    public IReadOnlyList<UnknownContainer> UnknownContainers { get; init; } = [];
}
