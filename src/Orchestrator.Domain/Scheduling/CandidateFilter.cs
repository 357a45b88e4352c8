using Orchestrator.Domain.Nodes;
using Orchestrator.Domain.Scheduling.Feasibility;
using Orchestrator.Domain.Tasks;

namespace Orchestrator.Domain.Scheduling;

/// <summary>
/// The chain of feasibility checkers, shared by every algorithm and by StateStore's re-check of a placement: a node
/// is a candidate when each checker accepts it. Cube filtered on disk only.
/// </summary>
public static class CandidateFilter
{
    /// <summary>
    /// The checkers in the order a node is turned down, which is the order its reason names: a Down node short of
    /// memory is counted as Down. A new constraint is a new <see cref="IFeasibilityChecker"/> here; checks of
    /// devices belong after the host volumes.
    /// </summary>
    private static readonly IFeasibilityChecker[] Chain =
    [
        new NodeStatusChecker(),
        new DatacenterChecker(),
        new PinnedNodeChecker(),
        new LabelConstraintChecker(),
        new ResourceChecker(),
        new HostPortChecker(),
        new HostVolumeChecker(),
    ];

    /// <summary>
    /// The checkers of what a node is rather than how full it is: whether a system job runs a task there at all. A
    /// node that is eligible but short of room gets its task, which waits Pending there and says why.
    /// </summary>
    private static readonly IFeasibilityChecker[] EligibilityChain =
    [
        new NodeStatusChecker(),
        new DatacenterChecker(),
        new LabelConstraintChecker(),
        new HostVolumeChecker(),
    ];

    /// <summary>Whether <paramref name="node"/> is one that a system job of <paramref name="task"/> runs a task on.</summary>
    public static bool IsEligible(TaskSpec task, NodeSnapshot node)
    {
        var ask = new PlacementAsk(task);
        foreach (var checker in EligibilityChain)
            if (!checker.Accepts(ask, node))
                return false;
        return true;
    }

    /// <summary>Why <paramref name="node"/> cannot take <paramref name="task"/>, or null when it can.</summary>
    public static string? RejectionReason(TaskSpec task, NodeSnapshot node)
    {
        var ask = new PlacementAsk(task);
        foreach (var checker in Chain)
            if (!checker.Accepts(ask, node))
                return checker.Explain(ask, node);
        return null;
    }

    /// <summary>
    /// The nodes that can take <paramref name="task"/>. It runs once per node of the cluster for every placement, so
    /// the task's ask is worked out once, and a node is turned down without building the reason.
    /// </summary>
    public static IReadOnlyList<NodeSnapshot> Feasible(TaskSpec task, IReadOnlyList<NodeSnapshot> nodes)
    {
        var ask = new PlacementAsk(task);
        var feasible = new List<NodeSnapshot>();
        foreach (var node in nodes)
            if (AcceptsAll(ask, node))
                feasible.Add(node);
        return feasible;
    }

    private static bool AcceptsAll(in PlacementAsk ask, NodeSnapshot node)
    {
        foreach (var checker in Chain)
            if (!checker.Accepts(ask, node))
                return false;
        return true;
    }

    /// <summary>
    /// Says why a task whose named volumes are on <paramref name="volumeNode"/> is not placed there, e.g. "waiting for
    /// node worker-2, which holds its volumes: Down", and how to let it go.
    /// </summary>
    public static string ExplainVolumeWait(TaskSpec task, Guid volumeNode, IReadOnlyList<NodeSnapshot> nodes)
    {
        var node = nodes.FirstOrDefault(n => n.Id == volumeNode);
        var why = node is null ? "it is not registered" : RejectionReason(task, node) ?? "it fits, but was not chosen";
        var name = node?.Name ?? volumeNode.ToString();
        return $"waiting for node {name}, which holds its volumes: {why}; `orchestrator release-volumes` lets it start elsewhere with empty volumes";
    }

    /// <summary>
    /// Says why nothing fits, e.g. "no Ready node has room for 0.5 cpu, 65536 MiB memory, 100 MiB disk;
    /// 3 nodes checked: 2 short of memory, 1 Down", or, when the task's datacenters hold no Ready node, "no Ready node in
    /// datacenter eu-west (Ready nodes are in dc1)".
    /// </summary>
    public static string ExplainNoFit(TaskSpec task, IReadOnlyList<NodeSnapshot> nodes)
    {
        var request = task.Requested;
        var wanted = $"{request.Cpu} cpu, {request.MemoryMb} MiB memory, {request.DiskMb} MiB disk";
        var fixedPorts = task.FixedHostPorts.ToList();
        if (fixedPorts.Count > 0)
            wanted += $" and host port {string.Join(", ", fixedPorts)}";
        var hostVolumes = task.HostMounts.Select(mount => mount.Source).Distinct().ToList();
        if (hostVolumes.Count > 0)
            wanted += $" and host volume {string.Join(", ", hostVolumes)}";
        if (task.Datacenters is { Count: > 0 } datacenters)
        {
            var listed = string.Join(", ", datacenters);
            // Told apart from a shortage: no amount of room elsewhere helps a job whose datacenters hold no Ready node.
            var ready = nodes.Where(node => node.Status == NodeStatus.Ready).ToList();
            if (ready.Count > 0 && !ready.Any(node => NodeDatacenter.Allows(datacenters, node.Datacenter)))
            {
                var elsewhere = ready.Select(node => node.Datacenter).Distinct().Order(StringComparer.Ordinal);
                return $"no Ready node in datacenter {listed} (Ready nodes are in {string.Join(", ", elsewhere)})";
            }
            wanted += $" in datacenter {listed}";
        }
        if (nodes.Count == 0)
            return $"no Ready node has room for {wanted}; no nodes have registered";
        var reasons = nodes
            .Select(node => RejectionReason(task, node) ?? "fits")
            .GroupBy(reason => reason)
            .OrderByDescending(group => group.Count())
            .Select(group => $"{group.Count()} {group.Key}");
        var noun = nodes.Count == 1 ? "node" : "nodes";
        return $"no Ready node has room for {wanted}; {nodes.Count} {noun} checked: {string.Join(", ", reasons)}";
    }
}
