using Orchestrator.Domain.Nodes;
using Orchestrator.Domain.Tasks;

namespace Orchestrator.Domain.Scheduling;

/// <summary>
/// The feasibility check shared by every algorithm and by StateStore's re-check of a placement: the node is
/// Ready, it is the pinned node if the task names one, it has every label the task requires, every resource
/// fits, and no fixed host port is taken. Cube filtered on disk only.
/// </summary>
public static class CandidateFilter
{
    /// <summary>Why <paramref name="node"/> cannot take <paramref name="task"/>, or null when it can.</summary>
    public static string? RejectionReason(TaskSpec task, NodeSnapshot node)
    {
        if (node.Status != NodeStatus.Ready)
            return node.Status.ToString();
        if (task.NodeId is { } pinned && pinned != node.Id)
            return "not the pinned node";
        if (task.Constraints?.FirstOrDefault(c => !c.IsMetBy(node.Labels)) is { } unmet)
            return $"without label {unmet}";
        var shortfalls = node.Free.Shortfalls(task.Requested);
        if (shortfalls.Count > 0)
            return $"short of {string.Join(" and ", shortfalls)}";
        foreach (var port in task.FixedHostPorts)
            if (node.UsedHostPorts.Contains(port))
                return $"host port {port} taken";
        return null;
    }

    public static IReadOnlyList<NodeSnapshot> Feasible(TaskSpec task, IReadOnlyList<NodeSnapshot> nodes) =>
        nodes.Where(node => RejectionReason(task, node) is null).ToList();

    /// <summary>
    /// Says why nothing fits, e.g. "no Ready node has room for 0.5 cpu, 65536 MiB memory, 100 MiB disk;
    /// 3 nodes checked: 2 short of memory, 1 Down".
    /// </summary>
    public static string ExplainNoFit(TaskSpec task, IReadOnlyList<NodeSnapshot> nodes)
    {
        var request = task.Requested;
        var wanted = $"{request.Cpu} cpu, {request.MemoryMb} MiB memory, {request.DiskMb} MiB disk";
        var fixedPorts = task.FixedHostPorts.ToList();
        if (fixedPorts.Count > 0)
            wanted += $" and host port {string.Join(", ", fixedPorts)}";
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
