using MassTransit;
using Orchestrator.Contracts;
using Orchestrator.StateStore.Persistence;
using Orchestrator.StateStore.Tasks;

namespace Orchestrator.StateStore.Consumers.TaskReports;

/// <summary>Records the verdict of a task's health check for the current attempt, unless a newer probe is recorded.</summary>
[ExcludeFromConfigureEndpoints]
public sealed class TaskHealthChangedConsumer(StateTransaction transaction) : IConsumer<TaskHealthChanged>
{
    public Task Consume(ConsumeContext<TaskHealthChanged> context) =>
        transaction.RunAsync(db =>
        {
            var report = context.Message;
            return TaskProbes.RecordNewestAsync(
                db, [new ProbeReport(report.TaskId, report.NodeId, report.Attempt, report.Health, report.ProbedAt, report.Result)],
                context.CancellationToken);
        }, context.CancellationToken);
}
