using MassTransit;
using Orchestrator.Contracts;
using Orchestrator.Domain.Tasks;
using Orchestrator.StateStore.Persistence;
using Orchestrator.StateStore.Persistence.Entities;
using Orchestrator.StateStore.Tasks;

namespace Orchestrator.StateStore.Consumers;

/// <summary>
/// Records that the user wants the task stopped. A Pending task ends at once; a placed one is stopped by its
/// agent, whose report ends it Completed. Stopping twice, or stopping a finished task, changes no state; a
/// finished task's leftover container is still removed.
/// </summary>
public sealed class CancelTaskConsumer(StateTransaction transaction, TaskLifecycle lifecycle) : IConsumer<CancelTask>
{
    public async Task Consume(ConsumeContext<CancelTask> context)
    {
        var task = await transaction.RunAsync(async db =>
        {
            var found = await db.Tasks.FindAsync([context.Message.TaskId], context.CancellationToken);
            if (found is not null)
                Cancel(found);
            return found;
        }, context.CancellationToken);

        if (task is null)
            await context.RespondAsync(new TaskNotFound(context.Message.TaskId));
        else
            await context.RespondAsync(task.ToDetails());
    }

    private void Cancel(TaskRecord task)
    {
        if (task.IsTerminal)
        {
            // The task's record stays as it ended; only a container kept for its logs is removed.
            if (task.NodeId is { } lastNode && task.ContainerId is not null)
                lifecycle.SendStop(task, lastNode, task.Attempt);
            return;
        }
        var firstRequest = task.DesiredState == DesiredState.Running;
        task.DesiredState = DesiredState.Stopped;
        if (task.State == TaskState.Pending)
        {
            lifecycle.TryMove(task, TaskState.Completed, "cancelled before placement");
            return;
        }
        if (task.NodeId is not { } nodeId)
            return;
        if (firstRequest)
            task.Message = "stopping";
        lifecycle.SendStop(task, nodeId, task.Attempt);
    }
}
