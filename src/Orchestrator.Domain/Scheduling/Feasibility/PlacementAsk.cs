using Orchestrator.Domain.Capacity;
using Orchestrator.Domain.Tasks;

namespace Orchestrator.Domain.Scheduling.Feasibility;

/// <summary>
/// What a task asks of a node, worked out once for a whole cluster: the checkers run once per node for every
/// placement, and the spec's derived values (its resources, its fixed host ports, its host mounts) each cost an allocation.
/// </summary>
public readonly struct PlacementAsk(TaskSpec task)
{
    public TaskSpec Task { get; } = task;

    public Resources Resources { get; } = task.Requested;

    public HostPort[] FixedHostPorts { get; } = task.FixedHostPorts.ToArray();

    public Mount[] HostMounts { get; } = task.HostMounts.ToArray();
}
