using Orchestrator.Domain.Capacity;
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
    public static string? RejectionReason(TaskSpec task, NodeSnapshot node) => Check(task, new Request(task), node, explain: true);

    /// <summary>
    /// The nodes that can take <paramref name="task"/>. It runs once per node of the cluster for every placement, so
    /// the task's request is worked out once, and a node is turned down without building the reason.
    /// </summary>
    public static IReadOnlyList<NodeSnapshot> Feasible(TaskSpec task, IReadOnlyList<NodeSnapshot> nodes)
    {
        var request = new Request(task);
        var feasible = new List<NodeSnapshot>();
        foreach (var node in nodes)
            if (Check(task, request, node, explain: false) is null)
                feasible.Add(node);
        return feasible;
    }

    /// <summary>What the task asks of a node, worked out once for a whole cluster.</summary>
    private readonly struct Request(TaskSpec task)
    {
        public Resources Resources { get; } = task.Requested;
        public HostPort[] FixedHostPorts { get; } = task.FixedHostPorts.ToArray();
    }

    /// <summary>Stands for a reason not spelled out (<c>explain: false</c>).</summary>
    private const string Rejected = "";

    private static string? Check(TaskSpec task, Request request, NodeSnapshot node, bool explain)
    {
        if (node.Status != NodeStatus.Ready)
            return explain ? node.Status.ToString() : Rejected;
        if (task.NodeId is { } pinned && pinned != node.Id)
            return "not the pinned node";
        if (task.Constraints is { } constraints)
            foreach (var constraint in constraints)
                if (!constraint.IsMetBy(node.Labels))
                    return explain ? $"without label {constraint}" : Rejected;
        if (!node.HasRoomFor(request.Resources))
            return explain ? $"short of {string.Join(" and ", node.Free.Shortfalls(request.Resources))}" : Rejected;
        foreach (var port in request.FixedHostPorts)
            if (node.UsedHostPorts.Contains(port))
                return explain ? $"host port {port} taken" : Rejected;
        return null;
    }

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
