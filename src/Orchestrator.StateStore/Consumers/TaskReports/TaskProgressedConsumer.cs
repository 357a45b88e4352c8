using MassTransit;
using Orchestrator.Contracts;
using Orchestrator.Domain.Tasks;
using Orchestrator.StateStore.Persistence;
using Orchestrator.StateStore.Tasks;

namespace Orchestrator.StateStore.Consumers.TaskReports;

/// <summary>Records a step of starting the task (such as an image pull) as its own event; the task stays Scheduled.</summary>
[ExcludeFromConfigureEndpoints]
public sealed class TaskProgressedConsumer(StateTransaction transaction, TaskLifecycle lifecycle) : IConsumer<TaskProgressed>
{
    public Task Consume(ConsumeContext<TaskProgressed> context) =>
        transaction.RunAsync(async db =>
        {
            var report = context.Message;
            // A step that arrives after the start (or the end) is stale.
            if (await db.FindReportedTaskAsync(report.TaskId, report.NodeId, report.Attempt, context.CancellationToken) is { State: TaskState.Scheduled } task)
                lifecycle.RecordProgress(task, report.Step);
        }, context.CancellationToken);
}
