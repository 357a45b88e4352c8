using Orchestrator.Domain.Tasks;

namespace Orchestrator.Contracts;

/// <summary>
/// One container an agent runs for a task, as listed in every heartbeat, with its last probe.
/// <paramref name="ExitReported"/> says the agent has already sent this exit as a TaskExited (at
/// <paramref name="ExitReportedAt"/>, by the agent's clock), so StateStore leaves it to that report unless the report
/// is long overdue; then it applies <paramref name="ExitReport"/>, the report itself, so that what only the report
/// knows (the OOM flag, a failed health check, why the agent gave up) is not lost with it. <paramref name="Ports"/>
/// are the host ports the engine bound for a running container, so a start whose report was lost can be recorded
/// from the heartbeat.
/// </summary>
public sealed record ContainerReport(
    Guid TaskId,
    int Attempt,
    string ContainerId,
    bool Running,
    long? ExitCode,
    HealthStatus Health = HealthStatus.Unknown,
    DateTimeOffset? LastProbeAt = null,
    string? LastProbeResult = null,
    bool ExitReported = false,
    IReadOnlyList<PortBinding>? Ports = null,
    DateTimeOffset? ExitReportedAt = null,
    TaskExited? ExitReport = null);
