using System.Text.Json;
using System.Text.Json.Nodes;
using MassTransit;
using Microsoft.EntityFrameworkCore;
using Npgsql;
using Orchestrator.Contracts;
using Orchestrator.Domain.Tasks;
using Orchestrator.StateStore.Admission;
using Orchestrator.StateStore.Persistence;
using Orchestrator.StateStore.Persistence.Entities;
using Orchestrator.StateStore.Tasks;

namespace Orchestrator.StateStore.Consumers;

/// <summary>
/// Records a new task as Pending and announces it, unless the backlog is too deep (<see cref="AdmissionControl"/>).
/// A repeated submission of the same id and spec changes nothing and is answered with the task as recorded; the same
/// id with another spec (an idempotency key used again for a different request) is refused. Submissions arriving
/// together share a commit (<see cref="GroupCommit"/>).
/// </summary>
public sealed class SubmitTaskConsumer(GroupCommit commits, StateTransaction transaction, AdmissionControl admission)
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
            // Insert first and let the primary key catch a repeat: a new task, the common case, costs its share of
            // a commit instead of a read before it.
            task = await commits.RunAsync(context, (_, lifecycle) =>
            {
                var created = TaskRecord.Submit(command.TaskId, command.Spec, lifecycle.Now, TaskTrace.Capture());
                lifecycle.Submit(created);
                return Task.FromResult(created);
            });
        }
        catch (DbUpdateException error) when (error.InnerException is PostgresException { SqlState: PostgresErrorCodes.UniqueViolation })
        {
            // The same request again: delivered twice by the broker after a lost ack, or retried by a client with its
            // idempotency key after an answer it never got. Answered with the task as recorded.
            task = await transaction.RunAsync(
                db => db.Tasks.AsNoTracking().SingleAsync(t => t.Id == command.TaskId, context.CancellationToken),
                context.CancellationToken);
            if (!SameSpec(task.Spec, command.Spec))
            {
                await context.RespondAsync(new SubmissionConflict(task.Id));
                return;
            }
        }
        await context.RespondAsync(task.ToDetails());
    }

    /// <summary>
    /// Whether two specs are the same request, compared as JSON: objects by their members whatever their order (a
    /// spec read back from the database lists a map's keys in the database's order), arrays item by item.
    /// </summary>
    public static bool SameSpec(TaskSpec recorded, TaskSpec submitted) =>
        JsonNode.DeepEquals(
            JsonSerializer.SerializeToNode(recorded, ContractJson.Options),
            JsonSerializer.SerializeToNode(submitted, ContractJson.Options));
}
