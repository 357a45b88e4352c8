using Orchestrator.Domain.Capacity;
using Orchestrator.Domain.Tasks;

namespace Orchestrator.Domain.Scheduling.Algorithms;

/// <summary>
/// Bin packing: the fullest node that still fits wins, so whole nodes stay free for large tasks. The fit is
/// Nomad's (BestFit v3, <c>ScoreFitBinPack</c>), where the free fractions are those left after placement:
/// <code>
/// nomad = 20 − (10^freeCpu + 10^freeMemory)      in [0, 18], higher is better; 18 is a perfect fit
/// score = −nomad = 10^freeCpu + 10^freeMemory − 20   in [−18, 0], lowest wins here
/// </code>
/// The exponent makes the last free slices of a node count most, so a node that ends up full on both
/// resources beats one full on a single resource.
/// </summary>
public sealed class BinPackAlgorithm : IPlacementAlgorithm
{
    public string Name => "BinPack";

    public double[] Score(TaskSpec task, IReadOnlyList<NodeSnapshot> candidates)
    {
        var request = task.Requested;
        var scores = new double[candidates.Count];
        for (var i = 0; i < scores.Length; i++)
            scores[i] = -NomadFit(request, candidates[i]);
        return scores;
    }

    /// <summary>Nomad's BestFit v3 for the node after taking the request, bounded to [0, 18] as Nomad does.</summary>
    private static double NomadFit(Resources request, NodeSnapshot node)
    {
        var after = node.Allocated + request;
        var freeCpu = node.Allocatable.Cpu > 0 ? 1d - (double)(after.Cpu / node.Allocatable.Cpu) : 0d;
        var freeMemory = node.Allocatable.MemoryMb > 0 ? 1d - (double)after.MemoryMb / node.Allocatable.MemoryMb : 0d;
        var fit = 20d - (Math.Pow(10, freeCpu) + Math.Pow(10, freeMemory));
        return Math.Clamp(fit, 0d, 18d);
    }
}
