using MassTransit;
using Orchestrator.Contracts;
using Orchestrator.Domain.Tasks;
using Orchestrator.StateStore.Persistence;
using Orchestrator.StateStore.Persistence.Entities;
using Orchestrator.StateStore.Tasks;

namespace Orchestrator.StateStore.Consumers;

/// <summary>Lets a task waiting for the node that holds its volumes go anywhere (<see cref="TaskLifecycle.ReleaseVolumes"/>).</summary>
public sealed class ReleaseTaskVolumesConsumer(StateTransaction transaction, TaskLifecycle lifecycle) : IConsumer<ReleaseTaskVolumes>
{
    public async Task Consume(ConsumeContext<ReleaseTaskVolumes> context)
    {
        var (task, released) = await transaction.RunAsync(async db =>
        {
            var found = await db.Tasks.FindAsync([context.Message.TaskId], context.CancellationToken);
            if (found?.VolumeNodeId is not { } nodeId || found.State != TaskState.Pending)
                return (found, false);
            var node = await db.Nodes.FindAsync([nodeId], context.CancellationToken);
            return (found, lifecycle.ReleaseVolumes(found, node?.Name ?? nodeId.ToString()));
        }, context.CancellationToken);

        if (task is null)
            await context.RespondAsync(new TaskNotFound(context.Message.TaskId));
        else if (released)
            await context.RespondAsync(task.ToDetails());
        else
            await context.RespondAsync(new VolumeReleaseRefused(task.Id, Refusal(task)));
    }

    private static string Refusal(TaskRecord task) => task.State == TaskState.Pending
        ? "the task is not waiting for the node that holds its volumes"
        : $"the task is {task.State}: only a Pending task waiting for the node that holds its volumes can be released from it";
}
