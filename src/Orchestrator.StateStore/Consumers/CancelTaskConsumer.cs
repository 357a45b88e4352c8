using MassTransit;
using Orchestrator.Contracts;
using Orchestrator.StateStore.Persistence;
using Orchestrator.StateStore.Tasks;

namespace Orchestrator.StateStore.Consumers;

/// <summary>Records that the user wants the task stopped (<see cref="TaskLifecycle.RequestStop"/>).</summary>
public sealed class CancelTaskConsumer(StateTransaction transaction, TaskLifecycle lifecycle) : IConsumer<CancelTask>
{
    public async Task Consume(ConsumeContext<CancelTask> context)
    {
        var task = await transaction.RunAsync(async db =>
        {
            var found = await db.Tasks.FindAsync([context.Message.TaskId], context.CancellationToken);
            if (found is not null)
                lifecycle.RequestStop(found);
            return found;
        }, context.CancellationToken);

        if (task is null)
            await context.RespondAsync(new TaskNotFound(context.Message.TaskId));
        else
            await context.RespondAsync(task.ToDetails());
    }
}
