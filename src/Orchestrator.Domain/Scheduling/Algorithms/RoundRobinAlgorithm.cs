using Orchestrator.Domain.Tasks;

namespace Orchestrator.Domain.Scheduling.Algorithms;

/// <summary>
/// Round-robin: the next feasible node in turn, by node id order. The score is each candidate's distance
/// from the cursor, so the node just after the last pick scores lowest.
/// </summary>
public sealed class RoundRobinAlgorithm : IPlacementAlgorithm
{
    private Guid _lastPicked = Guid.Empty;
    private readonly Lock _gate = new();

    public string Name => "RoundRobin";

    public IReadOnlyList<NodeSnapshot> SelectCandidates(TaskSpec task, IReadOnlyList<NodeSnapshot> nodes) =>
        CandidateFilter.Feasible(task, nodes).OrderBy(node => node.Id).ToList();

    public IReadOnlyDictionary<Guid, double> Score(TaskSpec task, IReadOnlyList<NodeSnapshot> candidates)
    {
        Guid last;
        lock (_gate) last = _lastPicked;
        // Candidates after the cursor come first (0, 1, ...), then those at or before it wrap around.
        var after = candidates.Where(node => node.Id.CompareTo(last) > 0).ToList();
        var ordered = after.Concat(candidates.Where(node => node.Id.CompareTo(last) <= 0)).ToList();
        return ordered.Select((node, index) => (node.Id, Score: (double)index)).ToDictionary(x => x.Id, x => x.Score);
    }

    public NodeSnapshot Pick(IReadOnlyDictionary<Guid, double> scores, IReadOnlyList<NodeSnapshot> candidates)
    {
        var picked = LowestScorePicker.Pick(scores, candidates);
        lock (_gate) _lastPicked = picked.Id;
        return picked;
    }
}
