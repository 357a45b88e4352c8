using Orchestrator.Contracts;
using Orchestrator.Domain.Scheduling;
using Orchestrator.Scheduler.Placement;

namespace Orchestrator.Scheduler.Consumers;

/// <summary>A node joined or came back: Pending tasks may fit now.</summary>
public sealed class NodeReadyConsumer(ClusterView view, PlacementPass pass) : CapacityChangedConsumer<NodeReady>(view, pass);
