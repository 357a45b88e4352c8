using Orchestrator.Contracts;
using Orchestrator.StateStore.Tasks;

namespace Orchestrator.StateStore.Heartbeats;

/// <summary>
/// What comparing a batch's containers with the tasks found that is written after the nodes: the probes newer than
/// the tasks' as read, and each node's running containers whose task StateStore does not know.
/// </summary>
public sealed class HeartbeatFindings
{
    private readonly Dictionary<Guid, List<UnknownContainer>> _unknown = [];

    public List<ProbeReport> Probes { get; } = [];

    /// <summary>The node's containers of unknown tasks, as its row keeps them: empty when there are none.</summary>
    public List<UnknownContainer> UnknownOn(Guid nodeId) => _unknown.GetValueOrDefault(nodeId) ?? [];

    public void AddUnknown(Guid nodeId, ContainerReport container)
    {
        if (!_unknown.TryGetValue(nodeId, out var containers))
            _unknown[nodeId] = containers = [];
        containers.Add(new UnknownContainer(container.TaskId, container.Attempt, container.ContainerId));
    }
}
