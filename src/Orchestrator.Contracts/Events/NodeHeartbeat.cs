using Orchestrator.Domain.Capacity;

namespace Orchestrator.Contracts;

/// <summary>
/// Agent report, every few seconds: the host's real capacity and usage, what the agent may hand out, and
/// every container it holds. StateStore registers the node from the first one.
/// </summary>
public sealed record NodeHeartbeat(
    Guid NodeId,
    string Name,
    Resources Capacity,
    Resources Allocatable,
    Resources Used,
    IReadOnlyList<ContainerReport> Containers,
    DateTimeOffset SentAt,
    IReadOnlyDictionary<string, string>? Labels = null);
