using Microsoft.EntityFrameworkCore;
using Orchestrator.Contracts;
using Orchestrator.Domain.Capacity;
using Orchestrator.StateStore.Persistence.Entities;

namespace Orchestrator.StateStore.Persistence.Queries;

/// <summary>
/// What users read of nodes: each with what is allocated on it, summed in the database (one row per node, however
/// many tasks run), where placement's snapshots (<see cref="ClusterQueries.LoadSnapshotsAsync"/>) read every live task.
/// </summary>
public static class NodeQueries
{
    public static Task<IReadOnlyList<NodeDetails>> ListNodesAsync(this OrchestratorDbContext db, CancellationToken cancellationToken) =>
        DetailsAsync(db, only: null, cancellationToken);

    public static async Task<NodeDetails?> FindNodeAsync(this OrchestratorDbContext db, Guid id, CancellationToken cancellationToken) =>
        (await DetailsAsync(db, id, cancellationToken)).SingleOrDefault();

    public static Task<bool> NodeExistsAsync(this OrchestratorDbContext db, Guid id, CancellationToken cancellationToken) =>
        db.Nodes.AnyAsync(n => n.Id == id, cancellationToken);

    /// <summary>Every node by name, or only the one with the id <paramref name="only"/>.</summary>
    private static async Task<IReadOnlyList<NodeDetails>> DetailsAsync(OrchestratorDbContext db, Guid? only, CancellationToken cancellationToken)
    {
        var which = db.Nodes.AsNoTracking();
        var live = db.LiveTasks();
        if (only is { } id)
        {
            which = which.Where(n => n.Id == id);
            live = live.Where(t => t.NodeId == id);
        }
        var nodes = await which.OrderBy(n => n.Name).ToListAsync(cancellationToken);
        if (nodes.Count == 0)
            return [];
        var allocated = await live
            .GroupBy(t => t.NodeId!.Value)
            .Select(g => new { NodeId = g.Key, Cpu = g.Sum(t => t.CpuRequest), Memory = g.Sum(t => t.MemoryMbRequest), Disk = g.Sum(t => t.DiskMbRequest), Count = g.Count() })
            .ToDictionaryAsync(a => a.NodeId, cancellationToken);
        return nodes.Select(node => allocated.TryGetValue(node.Id, out var a)
                ? node.ToDetails(new Resources(a.Cpu, a.Memory, a.Disk), a.Count)
                : node.ToDetails(Resources.Zero, 0))
            .ToList();
    }

    public static NodeDetails ToDetails(this NodeRecord node, Resources allocated, int taskCount) => new()
    {
        Id = node.Id,
        Name = node.Name,
        Address = node.Address,
        Datacenter = node.Datacenter,
        Status = node.Status,
        Capacity = node.Capacity,
        Allocatable = node.Allocatable,
        Allocated = allocated,
        Used = node.Used,
        TaskCount = taskCount,
        RegisteredAt = node.RegisteredAt,
        LastHeartbeatAt = node.LastHeartbeatAt,
        DownSince = node.DownSince,
        Labels = node.Labels,
        HostVolumes = node.HostVolumes,
        UnknownContainers = node.UnknownContainers,
    };
}
