using MassTransit;
using Orchestrator.Contracts;
using Orchestrator.StateStore.Outbox;
using Orchestrator.StateStore.Persistence;
using Orchestrator.StateStore.Persistence.Entities;

namespace Orchestrator.StateStore.Consumers;

/// <summary>Records a new task as Pending and announces it. A repeated submission of the same id changes nothing.</summary>
public sealed class SubmitTaskConsumer(StateTransaction transaction, OutboxWriter outbox, TimeProvider clock)
    : IConsumer<SubmitTask>
{
    public async Task Consume(ConsumeContext<SubmitTask> context)
    {
        var command = context.Message;
        var task = await transaction.RunAsync(async db =>
        {
            if (await db.Tasks.FindAsync([command.TaskId], context.CancellationToken) is { } existing)
                return existing;
            var created = TaskRecord.Submit(command.TaskId, command.Spec, clock.GetUtcNow(), TaskTrace.Capture());
            db.Tasks.Add(created);
            db.TaskEvents.Add(created.SubmittedEvent());
            outbox.Publish(new TaskSubmitted(created.Id));
            return created;
        }, context.CancellationToken);
        await context.RespondAsync(task.ToDetails());
    }
}
