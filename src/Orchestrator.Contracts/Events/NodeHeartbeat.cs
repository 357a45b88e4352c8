using Orchestrator.Domain.Capacity;
using Orchestrator.Domain.Nodes;

namespace Orchestrator.Contracts;

/// <summary>
/// Agent report, every few seconds: the host's real capacity and usage, what the agent may hand out, and
/// every container it holds, its labels, the host volumes it offers, the address its published ports are reached at and
/// its datacenter. StateStore registers the node from the first one. The later parameters are optional so that an older agent's heartbeat still reads.
/// <see cref="Starting"/> lists the attempts whose start is under way, which may have no container yet (an image pull,
/// the task's secrets): with the containers, everything the agent holds, so StateStore can tell a StartTask that never
/// arrived from a slow start.
/// </summary>
public sealed record NodeHeartbeat(
    Guid NodeId,
    string Name,
    Resources Capacity,
    Resources Allocatable,
    Resources Used,
    IReadOnlyList<ContainerReport> Containers,
    DateTimeOffset SentAt,
    IReadOnlyDictionary<string, string>? Labels = null,
    IReadOnlyList<HostVolume>? HostVolumes = null,
    string? Address = null,
    string? Datacenter = null,
    IReadOnlyList<TaskAttempt>? Starting = null);
