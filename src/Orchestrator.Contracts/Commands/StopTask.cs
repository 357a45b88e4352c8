namespace Orchestrator.Contracts;

/// <summary>StateStore to the agent of <paramref name="NodeId"/>: stop and remove the task's container.</summary>
public sealed record StopTask(Guid TaskId, Guid NodeId, int Attempt);
