namespace Orchestrator.Contracts;

/// <summary>One container an agent runs for a task, as listed in every heartbeat.</summary>
public sealed record ContainerReport(Guid TaskId, int Attempt, string ContainerId, bool Running, long? ExitCode);
