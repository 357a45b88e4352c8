namespace Orchestrator.Contracts;

/// <summary>
/// StateStore to the agent of <paramref name="NodeId"/>: stop the task's container (SIGTERM, then SIGKILL after
/// <paramref name="StopTimeoutSeconds"/>) and remove it.
/// </summary>
public sealed record StopTask(Guid TaskId, Guid NodeId, int Attempt, int StopTimeoutSeconds = 10);
