using Orchestrator.Domain.Capacity;
using Orchestrator.Domain.Nodes;
using Orchestrator.Domain.Tasks;

namespace Orchestrator.Domain.Scheduling;

/// <summary>
/// A read-only view of one node as placement sees it: what it may hand out (capacity minus reservations),
/// what its live tasks already asked for, the host ports they hold, how many of them each job has there, and the
/// datacenter its agent reports.
/// </summary>
public sealed record NodeSnapshot(
    Guid Id,
    string Name,
    NodeStatus Status,
    Resources Allocatable,
    Resources Allocated,
    IReadOnlyCollection<HostPort> UsedHostPorts,
    int TaskCount,
    IReadOnlyDictionary<string, string>? Labels = null,
    IReadOnlyDictionary<string, int>? JobTasks = null,
    IReadOnlyList<HostVolume>? HostVolumes = null,
    string Datacenter = NodeDatacenter.Default)
{
    /// <summary>The host volume the node offers as <paramref name="name"/>, or null; a node offers a handful at most.</summary>
    public HostVolume? HostVolume(string name)
    {
        if (HostVolumes is null)
            return null;
        foreach (var volume in HostVolumes)
            if (volume.Name == name)
                return volume;
        return null;
    }

    /// <summary>The live tasks of <paramref name="job"/> on this node.</summary>
    public int TasksOf(string job) => JobTasks?.GetValueOrDefault(job) ?? 0;

    public Resources Free => Allocatable - Allocated;

    /// <summary>Whether <paramref name="request"/> fits in <see cref="Free"/>, worked out without building it.</summary>
    public bool HasRoomFor(Resources request) =>
        request.Cpu <= Allocatable.Cpu - Allocated.Cpu
        && request.MemoryMb <= Allocatable.MemoryMb - Allocated.MemoryMb
        && request.DiskMb <= Allocatable.DiskMb - Allocated.DiskMb;

    /// <summary>The same node with <paramref name="request"/> and its host ports added, as after a placement.</summary>
    public NodeSnapshot WithTask(Resources request, IEnumerable<HostPort> hostPorts) => this with
    {
        Allocated = Allocated + request,
        UsedHostPorts = UsedHostPorts.Union(hostPorts).ToHashSet(),
        TaskCount = TaskCount + 1,
    };

    /// <summary>
    /// The same node once <paramref name="task"/> is placed on it: its request, its fixed host ports, and one more
    /// task of its <paramref name="job"/>, if it has one.
    /// </summary>
    public NodeSnapshot WithTask(TaskSpec task, string? job = null)
    {
        var placed = WithTask(task.Requested, task.FixedHostPorts);
        if (job is null)
            return placed;
        var jobs = new Dictionary<string, int>(JobTasks ?? new Dictionary<string, int>()) { [job] = TasksOf(job) + 1 };
        return placed with { JobTasks = jobs };
    }
}
