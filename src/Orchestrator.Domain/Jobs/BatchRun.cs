namespace Orchestrator.Domain.Jobs;

/// <summary>How one of a batch job's tasks of its current revision stands.</summary>
public enum BatchOutcome
{
    /// <summary>Not ended, and not being stopped: it holds its slot.</summary>
    Live,

    /// <summary>Ended on its own with exit 0: its slot is done.</summary>
    Succeeded,

    /// <summary>Ended on its own otherwise (a non-zero exit, a start that failed, its node lost): a retry.</summary>
    Failed,

    /// <summary>Stopped by a user or by the job: neither a success nor a retry; its slot runs again.</summary>
    Stopped,
}

/// <summary>One of a batch job's tasks of its current revision: its slot (report-2 is slot 2) and how it stands.</summary>
public readonly record struct BatchTask(Guid Id, int Slot, BatchOutcome Outcome);

/// <summary>What a batch job does next: the slots to start a task for, and where the job stands.</summary>
public sealed record BatchPlan(IReadOnlyList<int> Start, JobStatus Status, int Succeeded, int Retries)
{
    /// <summary>Live tasks to stop: the job has failed, so what still runs is of no use.</summary>
    public IReadOnlyList<Guid> Stop { get; init; } = [];
}

/// <summary>
/// How a batch job gets its <c>completions</c>: slots 1 to completions each need one task that ends with exit 0. At
/// most <c>parallelism</c> tasks run at once, lowest slots first. A task that fails is a retry: its slot runs again;
/// one retry more than <c>maxRetries</c> fails the job, and its live tasks are stopped. A task a user stops is no
/// retry. Pure: the caller reads the tasks, applies the plan, and calls again as tasks end.
/// </summary>
public static class BatchRun
{
    public static BatchPlan Plan(int completions, int parallelism, int maxRetries, IReadOnlyList<BatchTask> tasks)
    {
        var done = tasks
            .Where(t => t.Outcome == BatchOutcome.Succeeded && t.Slot >= 1 && t.Slot <= completions)
            .Select(t => t.Slot)
            .ToHashSet();
        var retries = tasks.Count(t => t.Outcome == BatchOutcome.Failed);
        var live = tasks.Where(t => t.Outcome == BatchOutcome.Live).ToList();
        if (done.Count == completions)
            return new BatchPlan([], JobStatus.Complete, done.Count, retries) { Stop = live.Select(t => t.Id).ToList() };
        if (retries > maxRetries)
            return new BatchPlan([], JobStatus.Failed, done.Count, retries) { Stop = live.Select(t => t.Id).ToList() };

        var held = live.Select(t => t.Slot).ToHashSet();
        var room = Math.Max(0, parallelism - live.Count);
        var start = Enumerable.Range(1, completions)
            .Where(slot => !done.Contains(slot) && !held.Contains(slot))
            .Take(room)
            .ToList();
        return new BatchPlan(start, JobStatus.Running, done.Count, retries);
    }
}
