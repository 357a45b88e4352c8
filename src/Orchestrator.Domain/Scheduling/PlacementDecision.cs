using Orchestrator.Domain.Tasks;

namespace Orchestrator.Domain.Scheduling;

/// <summary>The outcome of running an algorithm's three steps: a node, or the reason there is none.</summary>
public sealed record PlacementDecision(NodeSnapshot? Node, string? Reason)
{
    public bool IsPlaced => Node is not null;

    public static PlacementDecision Decide(IPlacementAlgorithm algorithm, TaskSpec task, IReadOnlyList<NodeSnapshot> nodes)
    {
        var candidates = algorithm.SelectCandidates(task, nodes);
        if (candidates.Count == 0)
            return new PlacementDecision(null, CandidateFilter.ExplainNoFit(task, nodes));
        var scores = algorithm.Score(task, candidates);
        return new PlacementDecision(algorithm.Pick(scores, candidates), null);
    }
}
