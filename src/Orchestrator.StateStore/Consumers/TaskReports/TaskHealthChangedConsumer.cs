using MassTransit;
using Orchestrator.Contracts;
using Orchestrator.StateStore.Persistence;

namespace Orchestrator.StateStore.Consumers.TaskReports;

/// <summary>Records the verdict of a task's health check for the current attempt.</summary>
public sealed class TaskHealthChangedConsumer(StateTransaction transaction) : IConsumer<TaskHealthChanged>
{
    public Task Consume(ConsumeContext<TaskHealthChanged> context) =>
        transaction.RunAsync(async db =>
        {
            var report = context.Message;
            var task = await db.Tasks.FindAsync([report.TaskId], context.CancellationToken);
            if (task is null || task.IsTerminal || !task.IsCurrentAttempt(report.NodeId, report.Attempt))
                return;
            if (task.LastProbeAt is { } seen && seen > report.ProbedAt)
                return; // an older verdict arriving late
            task.RecordProbe(report.Health, report.ProbedAt, report.Result);
        }, context.CancellationToken);
}
