using Orchestrator.Contracts;
using Orchestrator.Domain.Scheduling;
using Orchestrator.Scheduler.Placement;

namespace Orchestrator.Scheduler.Consumers;

/// <summary>A node was lost and its tasks are Pending again: place them elsewhere now.</summary>
public sealed class NodeDownConsumer(ClusterView view, PlacementPass pass) : CapacityChangedConsumer<NodeDown>(view, pass);
