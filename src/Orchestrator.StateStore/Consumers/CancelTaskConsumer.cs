using MassTransit;
using Orchestrator.Contracts;
using Orchestrator.StateStore.Persistence;
using Orchestrator.StateStore.Tasks;

namespace Orchestrator.StateStore.Consumers;

/// <summary>Records that the user wants the task stopped (<see cref="TaskLifecycle.RequestStop"/>).</summary>
public sealed class CancelTaskConsumer(StateTransaction transaction, TaskLifecycle lifecycle) : IConsumer<CancelTask>
{
    public Task Consume(ConsumeContext<CancelTask> context) =>
        transaction.AnswerAsync(context, async db =>
        {
            var found = await db.Tasks.FindAsync([context.Message.TaskId], context.CancellationToken);
            if (found is null)
                return new TaskNotFound(context.Message.TaskId);
            lifecycle.RequestStop(found);
            return found.ToDetails();
        });
}
