using Orchestrator.Contracts;
using Orchestrator.Domain.Scheduling;
using Orchestrator.Scheduler.Placement;

namespace Orchestrator.Scheduler.Consumers;

/// <summary>A node is draining and its tasks are Pending again: place them elsewhere now.</summary>
public sealed class NodeDrainingConsumer(ClusterView view, PlacementPass pass) : CapacityChangedConsumer<NodeDraining>(view, pass);
