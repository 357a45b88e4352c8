namespace Orchestrator.Domain.Jobs;

/// <summary>
/// One task of the revision being rolled out, as the verdict sees it: when its container started, when it failed if it
/// did, and since when it has served (null while it does not).
/// </summary>
public readonly record struct RevisionTask(DateTimeOffset? StartedAt, DateTimeOffset? FailedAt, DateTimeOffset? ServingSince);

/// <summary>
/// Whether a revision being rolled out has failed: it has gone longer than its progress deadline without a new task
/// coming to serve for <c>minHealthySeconds</c>. The clock starts at the revision's first container start or first
/// failure, so the time an image takes to pull is not counted, and each new task that comes to serve starts it again.
/// </summary>
public static class RolloutVerdict
{
    /// <summary>How many of the revision's tasks serve for at least the policy's minimum, at <paramref name="now"/>.</summary>
    public static int Serving(UpdatePolicy policy, IReadOnlyList<RevisionTask> tasks, DateTimeOffset now) =>
        tasks.Count(t => t.ServingSince is { } since && now - since >= policy.MinHealthy);

    /// <summary>
    /// Why the revision failed, e.g. "revision 3 failed: 0 of 1 new tasks healthy after 300 s (health check: HTTP
    /// 500)", or null while it has not: it serves <paramref name="wanted"/> tasks, or is still within its deadline.
    /// </summary>
    public static string? Failure(int revision, UpdatePolicy policy, IReadOnlyList<RevisionTask> tasks, int wanted, DateTimeOffset now, string? lastProblem)
    {
        var began = tasks.Select(t => t.StartedAt ?? t.FailedAt).Where(at => at is not null).Min();
        if (began is not { } start)
            return null;
        var serving = Serving(policy, tasks, now);
        if (serving >= wanted)
            return null;
        var progress = tasks
            .Where(t => t.ServingSince is { } since && now - since >= policy.MinHealthy)
            .Select(t => t.ServingSince!.Value + policy.MinHealthy)
            .Append(start)
            .Max();
        if (now - progress <= policy.ProgressDeadline)
            return null;
        return $"revision {revision} failed: {serving} of {wanted} new tasks healthy after {(now - start).TotalSeconds:0} s"
            + (lastProblem is null ? "" : $" ({lastProblem})");
    }
}
