using System.ComponentModel.DataAnnotations;

namespace Orchestrator.StateStore.Retention;

/// <summary>How long finished tasks and idempotency keys are kept (section <c>StateStore:Retention</c>).</summary>
public sealed class RetentionOptions
{
    public const string Section = "StateStore:Retention";

    /// <summary>
    /// How long a task is kept, with its history, after it finished (Completed or Failed). A batch job's tasks are kept
    /// while the job exists: its completions are counted from them. <c>0</c> keeps every task for good.
    /// </summary>
    public TimeSpan FinishedTasks { get; set; } = TimeSpan.FromDays(7);

    /// <summary>
    /// How long a change's <c>Idempotency-Key</c> is kept with its answer: a repeat within it is given that answer,
    /// later it is a new request. At least a day, so a client's retries over a night's outage stay safe.
    /// </summary>
    [Range(typeof(TimeSpan), "1.00:00:00", "365.00:00:00")]
    public TimeSpan IdempotencyKeys { get; set; } = TimeSpan.FromDays(1);

    /// <summary>How often the leading StateStore removes what is past its time.</summary>
    [Positive]
    public TimeSpan Interval { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>The most tasks removed in one statement; a pass repeats it until fewer remain.</summary>
    [Positive]
    public int BatchSize { get; set; } = 1000;
}
