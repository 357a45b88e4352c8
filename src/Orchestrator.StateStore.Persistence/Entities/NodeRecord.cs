using Orchestrator.Contracts;
using Orchestrator.Domain.Capacity;
using Orchestrator.Domain.Nodes;

namespace Orchestrator.StateStore.Persistence.Entities;

/// <summary>
/// A worker node, registered by its first heartbeat and kept fresh by the rest. Its status changes only here: Down when
/// it falls silent (<see cref="MarkDown"/>), Ready again when it heartbeats (<see cref="Revive"/>), Draining at an
/// operator's word and back (<see cref="Drain"/>, <see cref="ReturnToService"/>). The heartbeats of known live nodes
/// are written in one set-based statement for speed (StateStore's <c>KnownNodeRefresh</c>), which writes what
/// <see cref="Refresh"/> does.
/// </summary>
public sealed class NodeRecord
{
    // For EF Core, which sets the columns itself.
    private NodeRecord()
    {
    }

    public Guid Id { get; private set; }
    public string Name { get; private set; } = "";
    public NodeStatus Status { get; private set; }
    public Resources Capacity { get; private set; } = null!;
    public Resources Allocatable { get; private set; } = null!;
    public Resources Used { get; private set; } = null!;
    public DateTimeOffset RegisteredAt { get; private set; }
    public DateTimeOffset LastHeartbeatAt { get; private set; }
    public DateTimeOffset? DownSince { get; private set; }
    public Dictionary<string, string> Labels { get; private set; } = [];

    /// <summary>Where other hosts reach the node's published ports, as its agent reports it; none from an older agent.</summary>
    public string? Address { get; private set; }

    /// <summary>The datacenter the node's agent reports it in; an older agent's node is in the default one.</summary>
    public string Datacenter { get; private set; } = NodeDatacenter.Default;

    /// <summary>The host paths the node offers to tasks by name, as its latest heartbeat listed them.</summary>
    public List<HostVolume> HostVolumes { get; private set; } = [];

    /// <summary>What the latest heartbeat listed running for tasks StateStore does not know; they are left alone.</summary>
    public List<UnknownContainer> UnknownContainers { get; private set; } = [];

    /// <summary>
    /// A node first heard of: Down until <see cref="Revive"/> brings it into service, as it does a node back from
    /// silence, so that both announce it the same way.
    /// </summary>
    public static NodeRecord Register(NodeHeartbeat heartbeat, DateTimeOffset now)
    {
        var node = new NodeRecord { Id = heartbeat.NodeId, RegisteredAt = now, Status = NodeStatus.Down };
        node.Refresh(heartbeat, [], now);
        return node;
    }

    /// <summary>What a heartbeat says of the node: its name, address, datacenter, resources, labels and host volumes, and the containers of unknown tasks.</summary>
    public void Refresh(NodeHeartbeat heartbeat, List<UnknownContainer> unknownContainers, DateTimeOffset now)
    {
        Name = heartbeat.Name;
        Capacity = heartbeat.Capacity;
        Allocatable = heartbeat.Allocatable;
        Used = heartbeat.Used;
        Labels = LabelsOf(heartbeat);
        HostVolumes = HostVolumesOf(heartbeat);
        Address = heartbeat.Address;
        Datacenter = DatacenterOf(heartbeat);
        UnknownContainers = unknownContainers;
        LastHeartbeatAt = now;
    }

    /// <summary>The labels a heartbeat carries, as the node keeps them.</summary>
    public static Dictionary<string, string> LabelsOf(NodeHeartbeat heartbeat) =>
        new(heartbeat.Labels ?? new Dictionary<string, string>());

    /// <summary>The datacenter a heartbeat names; an older agent's names none, and its node is in the default one.</summary>
    public static string DatacenterOf(NodeHeartbeat heartbeat) => heartbeat.Datacenter ?? NodeDatacenter.Default;

    /// <summary>The host volumes a heartbeat carries, as the node keeps them; an older agent's carries none.</summary>
    public static List<HostVolume> HostVolumesOf(NodeHeartbeat heartbeat) => [.. heartbeat.HostVolumes ?? []];

    /// <summary>A Down (or new) node that heartbeats is Ready again; a draining one stays draining. True if it came back.</summary>
    public bool Revive()
    {
        if (Status != NodeStatus.Down)
            return false;
        Status = NodeStatus.Ready;
        DownSince = null;
        return true;
    }

    /// <summary>A Ready node silent for longer than its TTL.</summary>
    public void MarkDown(DateTimeOffset now)
    {
        if (Status != NodeStatus.Ready)
            throw new InvalidOperationException($"Node {Name} is {Status}; only a Ready node is marked Down.");
        Status = NodeStatus.Down;
        DownSince = now;
    }

    /// <summary>Nothing new is placed on the node. True if it was not draining already.</summary>
    public bool Drain()
    {
        if (Status == NodeStatus.Draining)
            return false;
        Status = NodeStatus.Draining;
        return true;
    }

    /// <summary>A drained node back in service; a Down node comes back only by heartbeating. True if it was draining.</summary>
    public bool ReturnToService()
    {
        if (Status != NodeStatus.Draining)
            return false;
        Status = NodeStatus.Ready;
        return true;
    }
}
