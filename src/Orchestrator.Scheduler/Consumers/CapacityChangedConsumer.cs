using MassTransit;
using Orchestrator.Domain.Scheduling;
using Orchestrator.Scheduler.Placement;

namespace Orchestrator.Scheduler.Consumers;

/// <summary>
/// What every event that changes capacity the Scheduler did not take itself does: the view can no longer be
/// trusted, and Pending tasks may fit now (or must go elsewhere), so a pass runs with a fresh snapshot. Each event
/// keeps a consumer of its own, named after it, so each has its own queue.
/// </summary>
public abstract class CapacityChangedConsumer<TMessage>(ClusterView view, PlacementPass pass) : IConsumer<TMessage>
    where TMessage : class
{
    public Task Consume(ConsumeContext<TMessage> context)
    {
        if (!ChangesCapacity(context.Message))
            return Task.CompletedTask;
        view.Invalidate();
        return pass.RunAsync(context.CancellationToken);
    }

    /// <summary>Whether this message changed what the view shows; most do.</summary>
    protected virtual bool ChangesCapacity(TMessage message) => true;
}
