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

    public IReadOnlyDictionary<Guid, double> Score(TaskSpec task, IReadOnlyList<NodeSnapshot> candidates)
    {
        Guid last;
        lock (_gate) last = _lastPicked;
        var byId = candidates.OrderBy(node => node.Id).ToList();
        // Candidates after the cursor come first (0, 1, ...), then those at or before it wrap around.
        var after = byId.Where(node => node.Id.CompareTo(last) > 0).ToList();
        var ordered = after.Concat(byId.Where(node => node.Id.CompareTo(last) <= 0)).ToList();
        return ordered.Select((node, index) => (node.Id, Score: (double)index)).ToDictionary(x => x.Id, x => x.Score);
    }

    public void Picked(NodeSnapshot node)
    {
        lock (_gate) _lastPicked = node.Id;
    }
}
