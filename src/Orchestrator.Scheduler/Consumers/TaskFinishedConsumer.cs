using MassTransit;
using Orchestrator.Contracts;
using Orchestrator.Domain.Scheduling;
using Orchestrator.Scheduler.Placement;

namespace Orchestrator.Scheduler.Consumers;

/// <summary>A task ended and freed its node's capacity: Pending tasks may fit now.</summary>
public sealed class TaskFinishedConsumer(ClusterView view, PlacementPass pass) : IConsumer<TaskFinished>
{
    public Task Consume(ConsumeContext<TaskFinished> context)
    {
        view.Invalidate();
        return pass.RunAsync(context.CancellationToken);
    }
}
