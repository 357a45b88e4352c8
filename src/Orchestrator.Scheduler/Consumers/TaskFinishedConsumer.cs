using MassTransit;
using Orchestrator.Contracts;
using Orchestrator.Domain.Scheduling;
using Orchestrator.Scheduler.Placement;

namespace Orchestrator.Scheduler.Consumers;

/// <summary>
/// A task ended and freed its node's capacity: Pending tasks may fit now. A task that ended before it was ever
/// placed (cancelled while Pending) held no capacity anywhere, and changes nothing the view shows.
/// </summary>
public sealed class TaskFinishedConsumer(ClusterView view, PlacementPass pass) : IConsumer<TaskFinished>
{
    public Task Consume(ConsumeContext<TaskFinished> context)
    {
        if (context.Message.NodeId is null)
            return Task.CompletedTask;
        view.Invalidate();
        return pass.RunAsync(context.CancellationToken);
    }
}
