using MassTransit;
using Orchestrator.Contracts;
using Orchestrator.StateStore.Persistence;
using Orchestrator.StateStore.Tasks;

namespace Orchestrator.StateStore.Consumers.TaskReports;

/// <summary>The agent restarts a container under the task's policy: the task stays Running, and its history says why.</summary>
[ExcludeFromConfigureEndpoints]
public sealed class TaskRestartedConsumer(StateTransaction transaction, TaskLifecycle lifecycle) : IConsumer<TaskRestarted>
{
    public Task Consume(ConsumeContext<TaskRestarted> context) =>
        transaction.RunAsync(async db =>
        {
            var report = context.Message;
            // Stale, finished, not Running, or a duplicate: nothing is recorded.
            if (await db.FindReportedTaskAsync(report.TaskId, report.NodeId, report.Attempt, context.CancellationToken) is not { } task
                || !lifecycle.RecordRestart(task, report))
                return;
            await TaskProbes.ForgetVerdictBeforeAsync(db, task.Id, report.At, context.CancellationToken);
        }, context.CancellationToken);
}
