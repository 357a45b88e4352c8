namespace Orchestrator.Scheduler.Placement;

public sealed class SchedulerOptions
{
    public const string Section = "Scheduler";

    /// <summary>Spread or RoundRobin.</summary>
    public string Algorithm { get; set; } = "Spread";

    /// <summary>How often Pending tasks are tried again even if no event says capacity changed.</summary>
    public TimeSpan SweepInterval { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>How many Pending tasks one pass takes on.</summary>
    public int BatchSize { get; set; } = 200;
}
