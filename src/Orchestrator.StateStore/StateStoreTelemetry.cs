namespace Orchestrator.StateStore;

public static class StateStoreTelemetry
{
    public const string SourceName = "Orchestrator.StateStore";
}
