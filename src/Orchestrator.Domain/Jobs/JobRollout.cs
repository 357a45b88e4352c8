namespace Orchestrator.Domain.Jobs;

/// <summary>
/// One of a job's live tasks as the rollout sees it: which revision of the job's spec it runs, and whether it is
/// Running (and healthy, when its spec has a health check): whether it serves; and its slot (web-2 is slot 2).
/// </summary>
public readonly record struct JobTask(Guid Id, int Revision, bool Running, DateTimeOffset CreatedAt, int Slot = 0);

/// <summary>
/// How a job's tasks are replaced when its spec changes. <see cref="StartFirst"/> runs one task above the count until
/// the new one serves; <see cref="StopFirst"/> stops an old task before its slot's new one starts, for tasks that keep
/// data in their slot's volumes, which two containers must not write at once.
/// </summary>
public enum RolloutOrder
{
    StartFirst,
    StopFirst,
}

/// <summary>What a reconciliation does: start this many tasks of the current revision, and stop these.</summary>
public sealed record JobPlan(int Start, IReadOnlyList<Guid> Stop)
{
    public bool IsEmpty => Start == 0 && Stop.Count == 0;
}

/// <summary>
/// Works out how a job gets from the tasks it has to the tasks it wants: <c>count</c> live tasks of its current
/// revision. A live task is one not finished and not being stopped.
/// <list type="bullet">
/// <item>Too few tasks: start the missing ones (the replacements of tasks that ended, or a scale-up).</item>
/// <item>Too many: stop the extra ones, those not Running first, then those of the highest slots, then the newest,
/// so a job scaled down and up again finds its slots' volumes where they were.</item>
/// <item>A new revision rolls out <c>maxParallel</c> tasks at a time (one by default): that many tasks more than the
/// count are started, and a task of the old revision is stopped only once enough tasks are Running without it. So the job never has fewer Running tasks than it
/// wants because of the rollout, and a new revision that never runs leaves the old tasks in place. Old tasks that are
/// not Running serve nobody, and are replaced at once.</item>
/// <item>A job whose tasks keep data in volumes rolls out <see cref="RolloutOrder.StopFirst"/>: never above the count,
/// it stops up to <c>maxParallel</c> old tasks at a time, once every other task the job wants is Running, and starts
/// their replacements after.</item>
/// <item>While <c>canaries</c> is above zero (a canary rollout not yet promoted), that many tasks of the new revision
/// run beside the old ones, and no old task is stopped or replaced.</item>
/// </list>
/// Pure: the caller reads the tasks, applies the plan and calls again later.
/// </summary>
public static class JobRollout
{
    public static JobPlan Plan(
        int count, int revision, IReadOnlyList<JobTask> live, RolloutOrder order = RolloutOrder.StartFirst, int maxParallel = 1, int canaries = 0)
    {
        var stop = new List<Guid>();
        var outdated = live.Where(t => t.Revision != revision).ToList();
        var current = live.Where(t => t.Revision == revision).ToList();
        if (canaries > 0 && outdated.Count > 0)
            return CanaryPlan(canaries, current);

        stop.AddRange(outdated.Where(t => !t.Running).Select(t => t.Id));

        var runningOutdated = outdated.Where(t => t.Running).OrderBy(t => t.CreatedAt).ToList();
        var running = runningOutdated.Count + current.Count(t => t.Running);
        var spare = Math.Max(0, running - count);
        stop.AddRange(runningOutdated.Take(spare).Select(t => t.Id));

        var extra = current.Count - count;
        if (extra > 0)
            stop.AddRange(current.OrderBy(t => t.Running).ThenByDescending(t => t.Slot).ThenByDescending(t => t.CreatedAt).Take(extra).Select(t => t.Id));

        var surge = maxParallel;
        if (order == RolloutOrder.StopFirst)
        {
            surge = 0;
            // Without a surge the rollout makes its own room: old tasks, up to maxParallel missing or starting at once.
            var unavailable = stop.Count + current.Count(t => !t.Running) + Math.Max(0, count - live.Count);
            stop.AddRange(runningOutdated.Skip(spare).Take(Math.Max(0, maxParallel - unavailable)).Select(t => t.Id));
        }
        var currentLeft = Math.Min(current.Count, count);
        var liveLeft = live.Count - stop.Count;
        var start = Math.Max(0, Math.Min(count - currentLeft, count + surge - liveLeft));
        return new JobPlan(start, stop);
    }

    /// <summary>A canary rollout before its promote: the canaries run beside the old tasks, which are left as they are.</summary>
    private static JobPlan CanaryPlan(int canaries, IReadOnlyList<JobTask> current)
    {
        var extra = current.OrderBy(t => t.Running).ThenByDescending(t => t.CreatedAt).Take(Math.Max(0, current.Count - canaries));
        return new JobPlan(Math.Max(0, canaries - current.Count), extra.Select(t => t.Id).ToList());
    }

    /// <summary>
    /// The slots (web-1 is slot 1) for <paramref name="starts"/> new tasks: the lowest ones not <paramref name="held"/>,
    /// so that a replacement takes the place, and the volumes, of the task it replaces.
    /// </summary>
    public static IReadOnlyList<int> FreeSlots(int starts, IEnumerable<int> held)
    {
        var taken = held.ToHashSet();
        var slots = new List<int>(starts);
        for (var slot = 1; slots.Count < starts; slot++)
            if (!taken.Contains(slot))
                slots.Add(slot);
        return slots;
    }

    /// <summary>The window in which a job's failed tasks slow down their replacement.</summary>
    public static readonly TimeSpan FailureWindow = TimeSpan.FromMinutes(10);

    public static readonly TimeSpan MaxReplacementDelay = TimeSpan.FromMinutes(5);

    /// <summary>
    /// How long after its latest failure a job waits before starting tasks again, given how many of its tasks failed
    /// within <see cref="FailureWindow"/>: none for the first, then 10 s doubling up to five minutes. A task's own
    /// restart policy has already retried it on its node; this keeps a job whose tasks cannot run (a bad image, a
    /// crashing command) from filling the cluster's history with replacements.
    /// </summary>
    public static TimeSpan ReplacementDelay(int recentFailures)
    {
        if (recentFailures <= 1)
            return TimeSpan.Zero;
        var seconds = 10 * Math.Pow(2, Math.Min(recentFailures - 2, 10));
        return TimeSpan.FromSeconds(Math.Min(seconds, MaxReplacementDelay.TotalSeconds));
    }
}
