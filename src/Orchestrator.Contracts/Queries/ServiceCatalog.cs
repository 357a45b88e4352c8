using Orchestrator.Domain.Tasks;

namespace Orchestrator.Contracts;

/// <summary>The catalog as of <see cref="Index"/>, read in one snapshot.</summary>
public sealed record ServiceCatalog(long Index, IReadOnlyList<ServiceInstance> Instances);

/// <summary>
/// One task's offer of one service. It passes when its task is Running, not being stopped, healthy if it has a health
/// check, and reachable: its node has an address and its port a host port. Only passing instances get traffic.
/// </summary>
public sealed record ServiceInstance(
    string Service,
    Guid TaskId,
    string TaskName,
    string? Job,
    Guid? NodeId,
    string? NodeName,
    string? Address,
    int? Port,
    IReadOnlyList<string> Tags,
    bool Passing,
    TaskState State,
    HealthStatus Health,
    string? RouteHost,
    string? RoutePathPrefix);
