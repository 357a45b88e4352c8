using Orchestrator.Domain.Tasks;

namespace Orchestrator.Domain.Scheduling;

/// <summary>The outcome of running the placement stack: a node, or the reason there is none.</summary>
public sealed record PlacementDecision(NodeSnapshot? Node, string? Reason)
{
    public bool IsPlaced => Node is not null;

    /// <summary>
    /// The placement stack, as in Nomad's: the feasibility chain keeps the nodes that can take the task; for a task
    /// of a <paramref name="job"/>, <see cref="JobSpread"/> keeps those with the fewest of its tasks (a task of no
    /// job sees every candidate); the algorithm scores what is left; and the lowest score is picked.
    /// </summary>
    public static PlacementDecision Decide(IPlacementAlgorithm algorithm, TaskSpec task, IReadOnlyList<NodeSnapshot> nodes, string? job = null)
    {
        var candidates = CandidateFilter.Feasible(task, nodes);
        if (candidates.Count == 0)
            return new PlacementDecision(null, CandidateFilter.ExplainNoFit(task, nodes));
        if (job is not null)
            candidates = JobSpread.FewestOf(job, candidates);
        var picked = LowestScorePicker.Pick(algorithm.Score(task, candidates), candidates);
        algorithm.Picked(picked);
        return new PlacementDecision(picked, null);
    }
}
