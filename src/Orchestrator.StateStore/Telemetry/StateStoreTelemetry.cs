using System.Diagnostics;

namespace Orchestrator.StateStore.Telemetry;

public static class StateStoreTelemetry
{
    public const string SourceName = "Orchestrator.StateStore";

    /// <summary>The spans StateStore makes itself: outbox dispatch, and each task's share of a batch of placements.</summary>
    public static readonly ActivitySource Source = new(SourceName);
}
