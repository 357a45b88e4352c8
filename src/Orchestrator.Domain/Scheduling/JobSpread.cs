namespace Orchestrator.Domain.Scheduling;

/// <summary>
/// The stack's step between feasibility and scoring: a task of a job goes to a node with the fewest of that job's
/// tasks, so that losing a node loses as few of a job's tasks as the cluster allows. The algorithm chooses among
/// those nodes, as it would among all.
/// </summary>
public static class JobSpread
{
    /// <summary>The candidates holding the fewest of <paramref name="job"/>'s live tasks, in their order.</summary>
    public static IReadOnlyList<NodeSnapshot> FewestOf(string job, IReadOnlyList<NodeSnapshot> candidates)
    {
        var least = candidates.Min(node => node.TasksOf(job));
        var fewest = candidates.Where(node => node.TasksOf(job) == least).ToList();
        return fewest.Count == candidates.Count ? candidates : fewest;
    }
}
