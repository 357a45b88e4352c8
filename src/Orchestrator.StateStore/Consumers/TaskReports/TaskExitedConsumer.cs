using MassTransit;
using Orchestrator.Contracts;
using Orchestrator.StateStore.Persistence;
using Orchestrator.StateStore.Tasks;

namespace Orchestrator.StateStore.Consumers.TaskReports;

/// <summary>An agent's container exited, or never started. Stale attempts and finished tasks are ignored.</summary>
public sealed class TaskExitedConsumer(StateTransaction transaction, TaskLifecycle lifecycle) : IConsumer<TaskExited>
{
    public Task Consume(ConsumeContext<TaskExited> context) =>
        transaction.RunAsync(async db =>
        {
            var report = context.Message;
            var task = await db.Tasks.FindAsync([report.TaskId], context.CancellationToken);
            if (task is null || task.IsTerminal || !task.IsCurrentAttempt(report.NodeId, report.Attempt))
                return;
            lifecycle.RecordExit(task, report);
        }, context.CancellationToken);
}
