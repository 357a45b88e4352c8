using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace Orchestrator.Scheduler.Placement;

internal static class SchedulerTelemetry
{
    private const string Name = "Orchestrator.Scheduler";
    private static readonly Meter Meter = new(Name);

    /// <summary>One span per task decided, in the task's own trace, whatever triggered the pass.</summary>
    public static readonly ActivitySource Source = new(Name);

    public static readonly Histogram<double> PlacementLatency =
        Meter.CreateHistogram<double>("orchestrator.placement.duration", "ms", "Time from proposing a pass's placements to StateStore's answer");

    public static readonly Counter<long> RefusedPlacements =
        Meter.CreateCounter<long>("orchestrator.placement.refused", description: "Proposed placements StateStore refused because the view was stale");
}
