namespace Orchestrator.Contracts;

/// <summary>Agent report: the container exited and the agent restarts it on the same node, per the task's policy.</summary>
public sealed record TaskRestarted(
    Guid TaskId,
    Guid NodeId,
    int Attempt,
    int RestartCount,
    long? ExitCode,
    string Reason,
    DateTimeOffset At);
