using Orchestrator.Domain.Tasks;

namespace Orchestrator.Contracts;

/// <summary>
/// One container an agent runs for a task, as listed in every heartbeat, with its last probe.
/// <paramref name="ExitReported"/> says the agent has already sent this exit as a TaskExited (at
/// <paramref name="ExitReportedAt"/>, by the agent's clock), so StateStore leaves it to that report (which carries
/// what the heartbeat cannot, such as the OOM flag) unless the report is long overdue. <paramref name="Ports"/>
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
    DateTimeOffset? ExitReportedAt = null);
