using MassTransit;
using Orchestrator.Contracts;
using Orchestrator.Scheduler.Placement;

namespace Orchestrator.Scheduler.Consumers;

/// <summary>A node was lost and its tasks are Pending again: place them elsewhere now.</summary>
public sealed class NodeDownConsumer(PlacementPass pass) : IConsumer<NodeDown>
{
    public Task Consume(ConsumeContext<NodeDown> context) => pass.RunAsync(context.CancellationToken);
}
