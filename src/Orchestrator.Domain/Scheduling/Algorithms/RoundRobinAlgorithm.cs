using Orchestrator.Domain.Tasks;

namespace Orchestrator.Domain.Scheduling.Algorithms;

/// <summary>
/// Round-robin: the next candidate in turn, by node id order. The score is each candidate's distance from the
/// cursor (the node picked last), so the node just after it scores lowest; every score differs, so the order the
/// candidates come in does not matter.
/// </summary>
public sealed class RoundRobinAlgorithm : IPlacementAlgorithm
{
    private Guid _lastPicked = Guid.Empty;
    private readonly Lock _gate = new();

    public string Name => "RoundRobin";

    public double[] Score(TaskSpec task, IReadOnlyList<NodeSnapshot> candidates)
    {
        Guid last;
        lock (_gate) last = _lastPicked;
        // Candidates after the cursor come first (0, 1, ...) in id order, then those at or before it wrap around.
        var turn = Enumerable.Range(0, candidates.Count)
            .OrderBy(i => candidates[i].Id.CompareTo(last) > 0 ? 0 : 1)
            .ThenBy(i => candidates[i].Id);
        var scores = new double[candidates.Count];
        var place = 0;
        foreach (var i in turn)
            scores[i] = place++;
        return scores;
    }

    public void Picked(NodeSnapshot node)
    {
        lock (_gate) _lastPicked = node.Id;
    }
}
