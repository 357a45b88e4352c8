using MassTransit;
using Orchestrator.Contracts;
using Orchestrator.StateStore.Persistence;

namespace Orchestrator.StateStore.Consumers;

/// <summary>Records why a Pending task cannot be placed. The task stays Pending and keeps its version.</summary>
public sealed class MarkTaskUnschedulableConsumer(StateTransaction transaction) : IConsumer<MarkTaskUnschedulable>
{
    public Task Consume(ConsumeContext<MarkTaskUnschedulable> context) =>
        transaction.RunAsync(async db =>
        {
            var command = context.Message;
            var task = await db.Tasks.FindAsync([command.TaskId], context.CancellationToken);
            task?.MarkUnschedulable(command.ExpectedVersion, command.Reason);
        }, context.CancellationToken);
}
