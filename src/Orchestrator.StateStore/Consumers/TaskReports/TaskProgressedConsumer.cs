using MassTransit;
using Orchestrator.Contracts;
using Orchestrator.Domain.Tasks;
using Orchestrator.StateStore.Persistence;
using Orchestrator.StateStore.Tasks;

namespace Orchestrator.StateStore.Consumers.TaskReports;

/// <summary>Records a step of starting the task (such as an image pull) as its own event; the task stays Scheduled.</summary>
public sealed class TaskProgressedConsumer(StateTransaction transaction, TaskLifecycle lifecycle) : IConsumer<TaskProgressed>
{
    public Task Consume(ConsumeContext<TaskProgressed> context) =>
        transaction.RunAsync(async db =>
        {
            var report = context.Message;
            var task = await db.Tasks.FindAsync([report.TaskId], context.CancellationToken);
            if (task is { State: TaskState.Scheduled } && task.IsCurrentAttempt(report.NodeId, report.Attempt))
                lifecycle.TryMove(task, TaskState.Scheduled, report.Step);
        }, context.CancellationToken);
}
