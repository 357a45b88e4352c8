using System.Diagnostics.Metrics;

namespace Orchestrator.Scheduler.Placement;

internal static class SchedulerMetrics
{
    private static readonly Meter Meter = new("Orchestrator.Scheduler");

    public static readonly Histogram<double> PlacementLatency =
        Meter.CreateHistogram<double>("orchestrator.placement.duration", "ms", "Time from proposing a pass's placements to StateStore's answer");

    public static readonly Counter<long> RefusedPlacements =
        Meter.CreateCounter<long>("orchestrator.placement.refused", description: "Proposed placements StateStore refused because the view was stale");
}
