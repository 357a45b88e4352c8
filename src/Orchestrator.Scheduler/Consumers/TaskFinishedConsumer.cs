using Orchestrator.Contracts;
using Orchestrator.Domain.Scheduling;
using Orchestrator.Scheduler.Placement;

namespace Orchestrator.Scheduler.Consumers;

/// <summary>
/// A task ended and freed its node's capacity: Pending tasks may fit now. A task that ended before it was ever
/// placed (cancelled while Pending) held no capacity anywhere, and changes nothing the view shows.
/// </summary>
public sealed class TaskFinishedConsumer(ClusterView view, PlacementPass pass) : CapacityChangedConsumer<TaskFinished>(view, pass)
{
    protected override bool ChangesCapacity(TaskFinished message) => message.NodeId is not null;
}
