using System.Diagnostics;

namespace Orchestrator.WorkerAgent;

public static class AgentTelemetry
{
    public const string SourceName = "Orchestrator.WorkerAgent";

    /// <summary>Spans for the agent's engine calls (create, start, stop, remove).</summary>
    public static readonly ActivitySource Source = new(SourceName);
}
