namespace Orchestrator.Contracts;

/// <summary>
/// StateStore to the agent of <paramref name="NodeId"/>: stop the task's container (SIGTERM, then SIGKILL after
/// <paramref name="StopTimeoutSeconds"/>) and remove it. <paramref name="ShutdownDelaySeconds"/> come first, while the
/// container still runs: the task has left the service catalog, and callers are given that long to stop sending to it.
/// </summary>
public sealed record StopTask(Guid TaskId, Guid NodeId, int Attempt, int StopTimeoutSeconds = 10, int ShutdownDelaySeconds = 0);
