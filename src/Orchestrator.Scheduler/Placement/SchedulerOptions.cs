namespace Orchestrator.Scheduler.Placement;

/// <summary>How the Scheduler places tasks (section <c>Scheduler</c>).</summary>
public sealed class SchedulerOptions
{
    public const string Section = "Scheduler";

    /// <summary>Spread, BinPack, Epvm or RoundRobin.</summary>
    public string Algorithm { get; set; } = "Spread";

    /// <summary>How often Pending tasks are tried again even if no event says capacity changed.</summary>
    [Positive]
    public TimeSpan SweepInterval { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// How long the Scheduler places against its view of the nodes (moved on by its own placements) before it asks
    /// StateStore for a fresh snapshot, when no event or refused placement has said the view is stale sooner.
    /// </summary>
    [Positive]
    public TimeSpan ViewMaxAge { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>How many Pending tasks one request to StateStore fetches; a pass goes on batch by batch.</summary>
    [Positive]
    public int BatchSize { get; set; } = 200;
}
