using Orchestrator.Domain.Tasks;

namespace Orchestrator.Domain.Scheduling.Algorithms;

/// <summary>
/// Spread: the least allocated node wins. The score is the fuller of the cpu and memory fractions the node
/// would have after taking the task, so a node that is busy on either dimension is avoided.
/// </summary>
public sealed class SpreadAlgorithm : IPlacementAlgorithm
{
    public string Name => "Spread";

    public IReadOnlyDictionary<Guid, double> Score(TaskSpec task, IReadOnlyList<NodeSnapshot> candidates) =>
        candidates.ToDictionary(node => node.Id, node => UtilisationAfter(task, node));

    internal static double UtilisationAfter(TaskSpec task, NodeSnapshot node)
    {
        var after = node.Allocated + task.Requested;
        var cpu = node.Allocatable.Cpu > 0 ? (double)(after.Cpu / node.Allocatable.Cpu) : 1d;
        var memory = node.Allocatable.MemoryMb > 0 ? (double)after.MemoryMb / node.Allocatable.MemoryMb : 1d;
        return Math.Max(cpu, memory);
    }
}
