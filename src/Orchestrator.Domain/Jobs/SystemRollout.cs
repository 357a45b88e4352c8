namespace Orchestrator.Domain.Jobs;

/// <summary>
/// One of a system job's unfinished tasks as its plan sees it: the node its spec pins it to, the revision it runs,
/// whether it serves (Running, and healthy when checked), and whether it is still wanted (not being stopped).
/// </summary>
public readonly record struct SystemTask(Guid Id, Guid Node, int Revision, bool Running, bool Live, DateTimeOffset CreatedAt);

/// <summary>What a system job does: start a task on each of these nodes, and stop these tasks.</summary>
public sealed record SystemPlan(IReadOnlyList<Guid> Start, IReadOnlyList<Guid> Stop);

/// <summary>
/// How a system job keeps one task on every eligible node (Nomad's system jobs, a Kubernetes DaemonSet). Each task is
/// pinned to its node, so it is never placed elsewhere.
/// <list type="bullet">
/// <item>An eligible node with no unfinished task of the job gets one; a node whose task is being stopped gets its
/// next one only once that has ended, so a node never runs two.</item>
/// <item>A task on a node that is no longer eligible (drained, its labels changed, gone) is stopped; one on a Down node
/// is left, Pending on that node, to run again there when the node returns.</item>
/// <item>A new revision rolls out one node at a time, stop-first: an old task that serves is stopped only while
/// every other eligible node has a task serving; old tasks that do not serve are replaced at once.</item>
/// </list>
/// Pure: the caller reads the nodes and tasks, applies the plan and calls again later.
/// </summary>
public static class SystemRollout
{
    public static SystemPlan Plan(int revision, IReadOnlyCollection<Guid> eligible, IReadOnlyCollection<Guid> down, IReadOnlyList<SystemTask> tasks)
    {
        var stop = new List<Guid>();
        var live = tasks.Where(t => t.Live).ToList();
        stop.AddRange(live.Where(t => !eligible.Contains(t.Node) && !down.Contains(t.Node)).Select(t => t.Id));

        // One task a node: keep the one of the current revision that serves, else the newest.
        foreach (var extra in live.Where(t => eligible.Contains(t.Node)).GroupBy(t => t.Node)
                     .SelectMany(node => node
                         .OrderByDescending(t => t.Revision == revision)
                         .ThenByDescending(t => t.Running)
                         .ThenByDescending(t => t.CreatedAt)
                         .Skip(1)))
            stop.Add(extra.Id);

        var kept = live.Where(t => eligible.Contains(t.Node) && !stop.Contains(t.Id)).ToList();
        stop.AddRange(kept.Where(t => t.Revision != revision && !t.Running).Select(t => t.Id));
        var serving = kept.Where(t => t.Running && !stop.Contains(t.Id)).Select(t => t.Node).ToHashSet();
        var outdated = kept.Where(t => t.Revision != revision && t.Running).OrderBy(t => t.CreatedAt).ToList();
        var settling = tasks.Any(t => !t.Live) || eligible.Any(node => !serving.Contains(node));
        if (outdated.Count > 0 && !settling)
            stop.Add(outdated[0].Id);

        // A task being stopped still holds its node until it has ended.
        var occupied = tasks.Select(t => t.Node).ToHashSet();
        var start = eligible.Where(node => !occupied.Contains(node)).ToList();
        return new SystemPlan(start, stop);
    }
}
