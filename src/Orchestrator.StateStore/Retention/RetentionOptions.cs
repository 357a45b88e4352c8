namespace Orchestrator.StateStore.Retention;

/// <summary>How long finished tasks are kept (section <c>StateStore:Retention</c>).</summary>
public sealed class RetentionOptions
{
    public const string Section = "StateStore:Retention";

    /// <summary>
    /// How long a task is kept, with its history, after it finished (Completed or Failed). A batch job's tasks are kept
    /// while the job exists: its completions are counted from them. <c>0</c> keeps every task for good.
    /// </summary>
    public TimeSpan FinishedTasks { get; set; } = TimeSpan.FromDays(7);

    /// <summary>How often the leading StateStore removes what is past its time.</summary>
    [Positive]
    public TimeSpan Interval { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>The most tasks removed in one statement; a pass repeats it until fewer remain.</summary>
    [Positive]
    public int BatchSize { get; set; } = 1000;
}
