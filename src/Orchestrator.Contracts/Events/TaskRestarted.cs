namespace Orchestrator.Contracts;

/// <summary>
/// Agent report: the container exited and the agent restarts it on the same node, per the task's policy.
/// <paramref name="OutputTail"/> and <paramref name="OutputTailCut"/> are the end of its output at this exit, as in
/// <see cref="TaskExited"/>.
/// </summary>
public sealed record TaskRestarted(
    Guid TaskId,
    Guid NodeId,
    int Attempt,
    int RestartCount,
    long? ExitCode,
    string Reason,
    DateTimeOffset At,
    string? OutputTail = null,
    bool OutputTailCut = false) : ITaskReport;
