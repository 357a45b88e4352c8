using MassTransit;
using Orchestrator.Contracts;
using Orchestrator.Scheduler.Placement;

namespace Orchestrator.Scheduler.Consumers;

/// <summary>A task ended and freed its node's capacity: Pending tasks may fit now.</summary>
public sealed class TaskFinishedConsumer(PlacementPass pass) : IConsumer<TaskFinished>
{
    public Task Consume(ConsumeContext<TaskFinished> context) => pass.RunAsync(context.CancellationToken);
}
