using MassTransit;
using Orchestrator.Contracts;
using Orchestrator.StateStore.Persistence;
using Orchestrator.StateStore.Tasks;

namespace Orchestrator.StateStore.Consumers.TaskReports;

/// <summary>
/// An agent's container exited, or never started. Stale attempts and finished tasks are ignored. Reports from every
/// queue share commits (<see cref="GroupCommit"/>); this queue's next report waits for this one's.
/// </summary>
[ExcludeFromConfigureEndpoints]
public sealed class TaskExitedConsumer(GroupCommit commits) : IConsumer<TaskExited>
{
    public Task Consume(ConsumeContext<TaskExited> context) =>
        commits.RunAsync(context, async (db, lifecycle) =>
        {
            var report = context.Message;
            if (await db.FindReportedTaskAsync(report.TaskId, report.NodeId, report.Attempt, context.CancellationToken) is not { } task)
                return false;
            lifecycle.RecordExit(task, report);
            return true;
        }, context.Message.TaskId);
}
