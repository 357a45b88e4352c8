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
    public Task Consume(ConsumeContext<ReleaseTaskVolumes> context) =>
        transaction.AnswerAsync(context, async db =>
        {
            var task = await db.Tasks.FindAsync([context.Message.TaskId], context.CancellationToken);
            if (task is null)
                return new TaskNotFound(context.Message.TaskId);
            if (task.VolumeNodeId is not { } nodeId || task.State != TaskState.Pending)
                return new VolumeReleaseRefused(task.Id, Refusal(task));
            var node = await db.Nodes.FindAsync([nodeId], context.CancellationToken);
            return lifecycle.ReleaseVolumes(task, node?.Name ?? nodeId.ToString())
                ? task.ToDetails()
                : new VolumeReleaseRefused(task.Id, Refusal(task));
        });

    private static string Refusal(TaskRecord task) => task.State == TaskState.Pending
        ? "the task is not waiting for the node that holds its volumes"
        : $"the task is {task.State}: only a Pending task waiting for the node that holds its volumes can be released from it";
}
