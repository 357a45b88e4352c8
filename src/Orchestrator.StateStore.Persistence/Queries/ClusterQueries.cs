using Microsoft.EntityFrameworkCore;
using Orchestrator.Domain.Capacity;
using Orchestrator.Domain.Scheduling;
using Orchestrator.Domain.Tasks;
using Orchestrator.StateStore.Persistence.Entities;

namespace Orchestrator.StateStore.Persistence.Queries;

/// <summary>
/// Reads of what is allocated where. A node's allocation is the sum of the requests of its non-terminal
/// tasks, never its momentary usage.
/// </summary>
public static class ClusterQueries
{
    /// <summary>The tasks on a node that have not finished: what the node's allocation is the sum of.</summary>
    public static IQueryable<TaskRecord> LiveTasks(this OrchestratorDbContext db) =>
        db.Tasks.Where(TaskRecord.Unfinished).Where(t => t.NodeId != null);

    /// <summary>The tasks of jobs that have not finished, being stopped included; of one job when <paramref name="job"/> is given.</summary>
    public static IQueryable<TaskRecord> UnfinishedJobTasks(this OrchestratorDbContext db, string? job = null) =>
        db.Tasks.Where(TaskRecord.Unfinished).Where(t => t.JobName != null && (job == null || t.JobName == job));

    public static async Task<IReadOnlyList<NodeSnapshot>> LoadSnapshotsAsync(
        this OrchestratorDbContext db, IReadOnlyCollection<Guid>? onlyNodes, CancellationToken cancellationToken)
    {
        var nodeQuery = db.Nodes.AsNoTracking();
        var liveQuery = db.LiveTasks().AsNoTracking();
        if (onlyNodes is not null)
        {
            nodeQuery = nodeQuery.Where(n => onlyNodes.Contains(n.Id));
            liveQuery = liveQuery.Where(t => onlyNodes.Contains(t.NodeId!.Value));
        }
        var nodes = await nodeQuery.OrderBy(n => n.Name).ToListAsync(cancellationToken);
        var live = await liveQuery
            .Select(t => new { NodeId = t.NodeId!.Value, t.CpuRequest, t.MemoryMbRequest, t.DiskMbRequest, t.Ports, t.JobName })
            .ToListAsync(cancellationToken);
        var byNode = live.ToLookup(t => t.NodeId);
        return nodes.Select(node =>
        {
            var tasks = byNode[node.Id].ToList();
            var allocated = new Resources(
                tasks.Sum(t => t.CpuRequest), tasks.Sum(t => t.MemoryMbRequest), tasks.Sum(t => t.DiskMbRequest));
            var ports = tasks.SelectMany(t => t.Ports).Where(p => p.HostPort > 0).Select(p => HostPort.Of(p.HostPort, p.Protocol)).ToHashSet();
            var jobs = tasks.Where(t => t.JobName is not null).GroupBy(t => t.JobName!).ToDictionary(g => g.Key, g => g.Count());
            return new NodeSnapshot(node.Id, node.Name, node.Status, node.Allocatable, allocated, ports, tasks.Count, node.Labels,
                jobs.Count == 0 ? null : jobs, node.HostVolumes, node.Datacenter);
        }).ToList();
    }
}
