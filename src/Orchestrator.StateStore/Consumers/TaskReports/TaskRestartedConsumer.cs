using MassTransit;
using Orchestrator.Contracts;
using Orchestrator.Domain.Tasks;
using Orchestrator.StateStore.Persistence;
using Orchestrator.StateStore.Tasks;

namespace Orchestrator.StateStore.Consumers.TaskReports;

/// <summary>The agent restarts a container under the task's policy: the task stays Running, and its history says why.</summary>
public sealed class TaskRestartedConsumer(StateTransaction transaction, TaskLifecycle lifecycle) : IConsumer<TaskRestarted>
{
    public Task Consume(ConsumeContext<TaskRestarted> context) =>
        transaction.RunAsync(async db =>
        {
            var report = context.Message;
            var task = await db.Tasks.FindAsync([report.TaskId], context.CancellationToken);
            var isCurrent = task is { State: TaskState.Running } && task.IsCurrentAttempt(report.NodeId, report.Attempt);
            if (!isCurrent || report.RestartCount <= task!.RestartCount)
                return; // stale, finished, or a duplicate
            task.RestartCount = report.RestartCount;
            await TaskProbes.ForgetVerdictBeforeAsync(db, task.Id, report.At, context.CancellationToken);
            lifecycle.TryMove(task, TaskState.Running, report.Reason, report.ExitCode);
        }, context.CancellationToken);
}
