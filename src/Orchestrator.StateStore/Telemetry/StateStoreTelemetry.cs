namespace Orchestrator.StateStore.Telemetry;

public static class StateStoreTelemetry
{
    public const string SourceName = "Orchestrator.StateStore";
}
