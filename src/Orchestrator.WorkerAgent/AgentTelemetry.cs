using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace Orchestrator.WorkerAgent;

public static class AgentTelemetry
{
    public const string SourceName = "Orchestrator.WorkerAgent";

    /// <summary>Spans for the agent's engine calls (create, start, stop, remove).</summary>
    public static readonly ActivitySource Source = new(SourceName);

    private static readonly Meter Meter = new(SourceName);

    /// <summary>From the agent taking a StartTask to its container running (or failing to), pull included.</summary>
    public static readonly Histogram<double> ContainerStartDuration =
        Meter.CreateHistogram<double>("orchestrator.container.start.duration", "ms", "Time for the agent to get a task's container running");

    /// <summary>Images the agent removed because the image disk passed its high mark.</summary>
    public static readonly Counter<long> ImagesRemoved =
        Meter.CreateCounter<long>("orchestrator.images.removed", "{image}", "Unused images the agent removed to free its disk");
}
