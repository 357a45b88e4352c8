using Orchestrator.Domain.Capacity;
using Orchestrator.Domain.Nodes;

namespace Orchestrator.Domain.Scheduling;

/// <summary>
/// A read-only view of one node as placement sees it: what it may hand out (capacity minus reservations),
/// what its live tasks already asked for, and the host ports they hold.
/// </summary>
public sealed record NodeSnapshot(
    Guid Id,
    string Name,
    NodeStatus Status,
    Resources Allocatable,
    Resources Allocated,
    IReadOnlyCollection<int> UsedHostPorts,
    int TaskCount,
    IReadOnlyDictionary<string, string>? Labels = null)
{
    public Resources Free => Allocatable - Allocated;

    /// <summary>The same node with <paramref name="request"/> and its host ports added, as after a placement.</summary>
    public NodeSnapshot WithTask(Resources request, IEnumerable<int> hostPorts) => this with
    {
        Allocated = Allocated + request,
        UsedHostPorts = UsedHostPorts.Union(hostPorts).ToHashSet(),
        TaskCount = TaskCount + 1,
    };
}
