using Orchestrator.Domain.Tasks;

namespace Orchestrator.Domain.Scheduling;

/// <summary>The outcome of running an algorithm's three steps: a node, or the reason there is none.</summary>
public sealed record PlacementDecision(NodeSnapshot? Node, string? Reason)
{
    public bool IsPlaced => Node is not null;

    /// <summary>
    /// The algorithm's three steps, with one rule of its own between filtering and scoring: a task of a
    /// <paramref name="job"/> goes to a node with the fewest of that job's tasks, so that losing a node loses as few
    /// of a job's tasks as the cluster allows. The algorithm chooses among those nodes, as it would among all; a
    /// task of no job sees every candidate.
    /// </summary>
    public static PlacementDecision Decide(IPlacementAlgorithm algorithm, TaskSpec task, IReadOnlyList<NodeSnapshot> nodes, string? job = null)
    {
        var candidates = algorithm.SelectCandidates(task, nodes);
        if (candidates.Count == 0)
            return new PlacementDecision(null, CandidateFilter.ExplainNoFit(task, nodes));
        if (job is not null)
            candidates = FewestOfJob(candidates, job);
        var scores = algorithm.Score(task, candidates);
        return new PlacementDecision(algorithm.Pick(scores, candidates), null);
    }

    private static IReadOnlyList<NodeSnapshot> FewestOfJob(IReadOnlyList<NodeSnapshot> candidates, string job)
    {
        var least = candidates.Min(node => node.TasksOf(job));
        var fewest = candidates.Where(node => node.TasksOf(job) == least).ToList();
        return fewest.Count == candidates.Count ? candidates : fewest;
    }
}
