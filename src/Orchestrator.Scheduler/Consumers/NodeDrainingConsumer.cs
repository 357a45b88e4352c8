using MassTransit;
using Orchestrator.Contracts;
using Orchestrator.Domain.Scheduling;
using Orchestrator.Scheduler.Placement;

namespace Orchestrator.Scheduler.Consumers;

/// <summary>A node is draining and its tasks are Pending again: place them elsewhere now.</summary>
public sealed class NodeDrainingConsumer(ClusterView view, PlacementPass pass) : IConsumer<NodeDraining>
{
    public Task Consume(ConsumeContext<NodeDraining> context)
    {
        view.Invalidate();
        return pass.RunAsync(context.CancellationToken);
    }
}
