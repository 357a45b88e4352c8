using Orchestrator.Domain.Capacity;
using Orchestrator.Domain.Tasks;

namespace Orchestrator.Domain.Scheduling.Algorithms;

/// <summary>
/// E-PVM (Amir, Awerbuch, Barak, Borgstrom and Keren, IEEE TPDS 2000): each resource is priced by an
/// opportunity cost that grows exponentially with its load, and the task goes to the node where adding it
/// costs least. For a node with <c>n</c> live tasks and a resource whose load goes from <c>u</c> to
/// <c>u'</c> when the task is added,
/// <code>
/// cost  = L^u' + L^((n+1)/maxJobs) − L^u − L^(n/maxJobs)     L = 1.5396… (Lieb's square-ice constant)
/// score = cost(memory) + cost(cpu)                           lowest wins
/// </code>
/// Memory load is allocated ÷ allocatable MiB; cpu load is allocated ÷ allocatable cores; "allocated" is
/// the sum of the requests of the node's live tasks.
/// <para>
/// Cube's defects, fixed here: its cpu terms used the same load before and after, so they cancelled and
/// cpu never counted (here the load after adds the task's cpu request); it read allocation counters that were
/// never updated (here allocation comes from live tasks); it divided bytes by kB (here everything is MiB);
/// it filtered on disk only (here <see cref="CandidateFilter"/> checks every resource and host ports); and
/// <c>maxJobs</c> was fixed at 4.
/// </para>
/// <para>
/// <c>maxJobs</c> is given to the constructor, or else derived per node as how many copies of this task the
/// empty node could hold: min(⌊allocatable cpu ÷ cpu request⌋, ⌊allocatable memory ÷ memory request⌋), at
/// least 1. Counting memory too keeps a memory-heavy task from seeing a big-cpu node as having many slots; a
/// dimension the task does not request places no limit, and a task that requests neither has no job term.
/// </para>
/// </summary>
public sealed class EpvmAlgorithm : IPlacementAlgorithm
{
    /// <summary>Lieb's square-ice constant, the base Cube and the paper use.</summary>
    public const double L = 1.53960071783900203869;

    // L^x as e^(x ln L): Math.Exp is cheaper than Math.Pow, and a decision takes six of them per node.
    private static readonly double LnL = Math.Log(L);

    private readonly int? _maxJobs;

    /// <param name="maxJobs">Tasks a node is meant to hold; null derives it per node from the task's request.</param>
    public EpvmAlgorithm(int? maxJobs = null)
    {
        if (maxJobs is <= 0)
            throw new ArgumentOutOfRangeException(nameof(maxJobs), maxJobs, "maxJobs must be positive.");
        _maxJobs = maxJobs;
    }

    public string Name => "Epvm";

    public double[] Score(TaskSpec task, IReadOnlyList<NodeSnapshot> candidates)
    {
        var request = task.Requested;
        var scores = new double[candidates.Count];
        for (var i = 0; i < scores.Length; i++)
            scores[i] = MarginalCost(request, candidates[i]);
        return scores;
    }

    private double MarginalCost(Resources request, NodeSnapshot node)
    {
        var maxJobs = _maxJobs ?? DerivedMaxJobs(request, node.Allocatable);
        var jobs = PowL((node.TaskCount + 1) / maxJobs) - PowL(node.TaskCount / maxJobs);

        var memoryBefore = Load(node.Allocated.MemoryMb, node.Allocatable.MemoryMb);
        var memoryAfter = Load(node.Allocated.MemoryMb + request.MemoryMb, node.Allocatable.MemoryMb);
        var memoryCost = PowL(memoryAfter) - PowL(memoryBefore) + jobs;

        var cpuBefore = Load((double)node.Allocated.Cpu, (double)node.Allocatable.Cpu);
        var cpuAfter = Load((double)(node.Allocated.Cpu + request.Cpu), (double)node.Allocatable.Cpu);
        var cpuCost = PowL(cpuAfter) - PowL(cpuBefore) + jobs;

        return memoryCost + cpuCost;
    }

    private static double PowL(double exponent) => Math.Exp(exponent * LnL);

    /// <summary>How many copies of the task the empty node could hold, at least 1; infinite when it asks for nothing.</summary>
    private static double DerivedMaxJobs(Resources request, Resources allocatable)
    {
        var slots = double.PositiveInfinity;
        if (request.Cpu > 0)
            slots = Math.Min(slots, (double)decimal.Floor(allocatable.Cpu / request.Cpu));
        if (request.MemoryMb > 0)
            slots = Math.Min(slots, allocatable.MemoryMb / request.MemoryMb);
        return Math.Max(1d, slots);
    }

    // A node with none of a resource counts as full of it, as in Spread.
    private static double Load(double used, double allocatable) =>
        allocatable > 0 ? used / allocatable : 1d;
}
