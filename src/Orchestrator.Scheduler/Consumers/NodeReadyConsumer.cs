using MassTransit;
using Orchestrator.Contracts;
using Orchestrator.Scheduler.Placement;

namespace Orchestrator.Scheduler.Consumers;

/// <summary>A node joined or came back: Pending tasks may fit now.</summary>
public sealed class NodeReadyConsumer(PlacementPass pass) : IConsumer<NodeReady>
{
    public Task Consume(ConsumeContext<NodeReady> context) => pass.RunAsync(context.CancellationToken);
}
