using MassTransit;
using Orchestrator.Contracts;
using Orchestrator.Scheduler.Placement;

namespace Orchestrator.Scheduler.Consumers;

/// <summary>Tasks are Pending (one event may stand for many): place them now, inside this message's trace.</summary>
public sealed class TaskSubmittedConsumer(PlacementPass pass) : IConsumer<TaskSubmitted>
{
    public Task Consume(ConsumeContext<TaskSubmitted> context) => pass.RunAsync(context.CancellationToken);
}
