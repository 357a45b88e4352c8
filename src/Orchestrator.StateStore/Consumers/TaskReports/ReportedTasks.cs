using Orchestrator.StateStore.Persistence;
using Orchestrator.StateStore.Persistence.Entities;

namespace Orchestrator.StateStore.Consumers.TaskReports;

/// <summary>The guard every agent's report about a task passes before it changes anything.</summary>
internal static class ReportedTasks
{
    /// <summary>
    /// The task the report is about, tracked, when the report may change it (<see cref="TaskRecord.TakesReportsOf"/>);
    /// null when the task is unknown or finished, or the report is about another attempt or node.
    /// </summary>
    public static async Task<TaskRecord?> FindReportedTaskAsync(
        this OrchestratorDbContext db, Guid taskId, Guid nodeId, int attempt, CancellationToken cancellationToken)
    {
        var task = await db.Tasks.FindAsync([taskId], cancellationToken);
        return task is not null && task.TakesReportsOf(nodeId, attempt) ? task : null;
    }
}
