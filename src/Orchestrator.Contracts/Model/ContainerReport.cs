using Orchestrator.Domain.Tasks;

namespace Orchestrator.Contracts;

/// <summary>One container an agent runs for a task, as listed in every heartbeat, with its last probe.</summary>
public sealed record ContainerReport(
    Guid TaskId,
    int Attempt,
    string ContainerId,
    bool Running,
    long? ExitCode,
    HealthStatus Health = HealthStatus.Unknown,
    DateTimeOffset? LastProbeAt = null,
    string? LastProbeResult = null);
