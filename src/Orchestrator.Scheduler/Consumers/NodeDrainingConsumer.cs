using MassTransit;
using Orchestrator.Contracts;
using Orchestrator.Scheduler.Placement;

namespace Orchestrator.Scheduler.Consumers;

/// <summary>A node is draining and its tasks are Pending again: place them elsewhere now.</summary>
public sealed class NodeDrainingConsumer(PlacementPass pass) : IConsumer<NodeDraining>
{
    public Task Consume(ConsumeContext<NodeDraining> context) => pass.RunAsync(context.CancellationToken);
}
