using MassTransit;
using Orchestrator.Contracts;
using Orchestrator.StateStore.Persistence;
using Orchestrator.StateStore.Tasks;

namespace Orchestrator.StateStore.Consumers.TaskReports;

/// <summary>An agent's container exited, or never started. Stale attempts and finished tasks are ignored.</summary>
[ExcludeFromConfigureEndpoints]
public sealed class TaskExitedConsumer(StateTransaction transaction, TaskLifecycle lifecycle) : IConsumer<TaskExited>
{
    public Task Consume(ConsumeContext<TaskExited> context) =>
        transaction.RunAsync(async db =>
        {
            var report = context.Message;
            if (await db.FindReportedTaskAsync(report.TaskId, report.NodeId, report.Attempt, context.CancellationToken) is { } task)
                lifecycle.RecordExit(task, report);
        }, context.CancellationToken);
}
