using Orchestrator.Domain.Capacity;
using Orchestrator.Domain.Tasks;

namespace Orchestrator.Domain.Scheduling.Algorithms;

/// <summary>
/// Spread: the least allocated node wins. The score is the fuller of the cpu and memory fractions the node
/// would have after taking the task, so a node that is busy on either dimension is avoided.
/// </summary>
public sealed class SpreadAlgorithm : IPlacementAlgorithm
{
    public string Name => "Spread";

    public double[] Score(TaskSpec task, IReadOnlyList<NodeSnapshot> candidates)
    {
        var request = task.Requested;
        var scores = new double[candidates.Count];
        for (var i = 0; i < scores.Length; i++)
            scores[i] = UtilisationAfter(request, candidates[i]);
        return scores;
    }

    private static double UtilisationAfter(Resources request, NodeSnapshot node)
    {
        var cpu = node.Allocatable.Cpu > 0 ? (double)((node.Allocated.Cpu + request.Cpu) / node.Allocatable.Cpu) : 1d;
        var memory = node.Allocatable.MemoryMb > 0 ? (double)(node.Allocated.MemoryMb + request.MemoryMb) / node.Allocatable.MemoryMb : 1d;
        return Math.Max(cpu, memory);
    }
}
