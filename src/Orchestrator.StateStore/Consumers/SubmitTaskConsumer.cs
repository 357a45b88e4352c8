using MassTransit;
using Microsoft.EntityFrameworkCore;
using Npgsql;
using Orchestrator.Contracts;
using Orchestrator.StateStore.Admission;
using Orchestrator.StateStore.Persistence;
using Orchestrator.StateStore.Persistence.Entities;
using Orchestrator.StateStore.Tasks;

namespace Orchestrator.StateStore.Consumers;

/// <summary>
/// Records a new task as Pending and announces it, unless the backlog is too deep (<see cref="AdmissionControl"/>).
/// A repeated submission of the same id changes nothing.
/// </summary>
public sealed class SubmitTaskConsumer(StateTransaction transaction, TaskLifecycle lifecycle, AdmissionControl admission)
    : IConsumer<SubmitTask>
{
    public async Task Consume(ConsumeContext<SubmitTask> context)
    {
        var command = context.Message;
        if (admission.Refusal() is { } refusal)
        {
            await context.RespondAsync(new SubmissionRefused(refusal, admission.RetryAfter));
            return;
        }
        TaskRecord task;
        try
        {
            // Insert first and let the primary key catch a repeat: a new task, the common case, costs one
            // batch and a commit instead of a read before them.
            task = await transaction.RunAsync(db =>
            {
                var created = TaskRecord.Submit(command.TaskId, command.Spec, lifecycle.Now, TaskTrace.Capture());
                lifecycle.Submit(created);
                return Task.FromResult(created);
            }, context.CancellationToken);
        }
        catch (DbUpdateException error) when (error.InnerException is PostgresException { SqlState: PostgresErrorCodes.UniqueViolation })
        {
            // The same request delivered again (the broker redelivers after a lost ack): answer with the task as recorded.
            task = await transaction.RunAsync(
                db => db.Tasks.AsNoTracking().SingleAsync(t => t.Id == command.TaskId, context.CancellationToken),
                context.CancellationToken);
        }
        await context.RespondAsync(task.ToDetails());
    }
}
