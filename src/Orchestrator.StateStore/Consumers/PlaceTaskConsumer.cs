using MassTransit;
using Microsoft.EntityFrameworkCore;
using Orchestrator.Contracts;
using Orchestrator.Domain.Scheduling;
using Orchestrator.Domain.Tasks;
using Orchestrator.StateStore.Outbox;
using Orchestrator.StateStore.Persistence;
using Orchestrator.StateStore.Tasks;

namespace Orchestrator.StateStore.Consumers;

/// <summary>
/// Applies a Scheduler's proposal only if it still holds: the task is Pending at the expected version, the
/// node is Ready, and the node's allocatable minus its live tasks' requests still fits. The node row is locked
/// for the check, so two schedulers can never over-commit one node.
/// </summary>
public sealed class PlaceTaskConsumer(StateTransaction transaction, TaskLifecycle lifecycle, OutboxWriter outbox)
    : IConsumer<PlaceTask>
{
    public async Task Consume(ConsumeContext<PlaceTask> context)
    {
        var command = context.Message;
        var refusal = await transaction.RunAsync(async db =>
        {
            var locked = await db.Nodes
                .FromSql($"""SELECT * FROM orchestrator.nodes WHERE "Id" = {command.NodeId} FOR UPDATE""")
                .AnyAsync(context.CancellationToken);
            if (!locked)
                return "the node is unknown";
            var task = await db.Tasks.FindAsync([command.TaskId], context.CancellationToken);
            if (task is null)
                return "the task is unknown";
            if (task.State != TaskState.Pending || task.Version != command.ExpectedVersion || task.DesiredState != DesiredState.Running)
                return $"the task is {task.State} at version {task.Version}, not Pending at version {command.ExpectedVersion}";
            var snapshots = await db.LoadSnapshotsAsync(command.NodeId, context.CancellationToken);
            if (CandidateFilter.RejectionReason(task.Spec, snapshots[0]) is { } reason)
                return $"the node cannot take it: {reason}";

            task.NodeId = command.NodeId;
            task.Attempt++;
            lifecycle.TryMove(task, TaskState.Scheduled, $"placed on node {snapshots[0].Name}");
            outbox.Send(AgentQueue.Name(command.NodeId), new StartTask(task.Id, command.NodeId, task.Attempt, task.Spec));
            outbox.Publish(new TaskScheduled(task.Id, command.NodeId, task.Attempt));
            return null;
        }, context.CancellationToken);

        if (refusal is null)
            await context.RespondAsync(new PlacementAccepted(command.TaskId, command.NodeId));
        else
            await context.RespondAsync(new PlacementRefused(command.TaskId, command.NodeId, refusal));
    }
}
