using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata;
using Orchestrator.Contracts;
using Orchestrator.StateStore.Persistence.Entities;

namespace Orchestrator.StateStore.Persistence.Queries;

/// <summary>What users read of tasks: one task, a page of the list, a page of a task's history, its kept output.</summary>
public static class TaskQueries
{
    public static async Task<TaskDetails?> FindTaskAsync(this OrchestratorDbContext db, Guid id, CancellationToken cancellationToken) =>
        (await db.Tasks.AsNoTracking().FirstOrDefaultAsync(t => t.Id == id, cancellationToken))?.ToDetails();

    /// <summary>A page of the task list as <paramref name="query"/> asks for it, or null when its <c>Before</c> names no task.</summary>
    public static async Task<IReadOnlyList<TaskDetails>?> ListTasksAsync(
        this OrchestratorDbContext db, ListTasks query, CancellationToken cancellationToken)
    {
        var tasks = db.Tasks.AsNoTracking();
        if (query.Before is { } before)
        {
            if (!await db.Tasks.AnyAsync(t => t.Id == before, cancellationToken))
                return null;
            // The list's own order, (CreatedAt, Id) descending, continued past the given task: a row comparison, so
            // tasks created in the same microsecond are neither skipped nor repeated.
            tasks = db.Tasks.FromSqlRaw(_beforeSql ??= BeforeSql(db.Model), before).AsNoTracking();
        }
        if (query.State is { } state)
            tasks = tasks.Where(t => t.State == state);
        if (query.Job is { } job)
            tasks = tasks.Where(t => t.JobName == job);
        if (query.Node is { } node)
            tasks = tasks.Where(t => t.NodeId == node);
        if (!string.IsNullOrEmpty(query.IdPrefix))
        {
            // The Api lets through only hex digits and dashes, so the prefix holds no LIKE wildcards.
            var prefix = query.IdPrefix.Replace("-", "").ToLowerInvariant() + "%";
            tasks = tasks.Where(t => EF.Functions.Like(t.Id.ToString().Replace("-", ""), prefix));
        }
        if (!string.IsNullOrEmpty(query.Name))
        {
            // A name may hold '_', which LIKE would take for any character.
            var pattern = "%" + query.Name.Replace(@"\", @"\\").Replace("%", @"\%").Replace("_", @"\_") + "%";
            tasks = tasks.Where(t => EF.Functions.ILike(t.Name, pattern, @"\"));
        }
        var page = await tasks
            .OrderByDescending(t => t.CreatedAt)
            .ThenByDescending(t => t.Id)
            .Take(Math.Clamp(query.Limit, 1, ListTasks.MaxLimit))
            .ToListAsync(cancellationToken);
        return page.Select(t => t.ToDetails()).ToList();
    }

    private static string? _beforeSql;

    /// <summary>The tasks before a given one in the list's order, with the names the model maps (<see cref="SqlNames"/>).</summary>
    public static string BeforeSql(IModel model)
    {
        var (tasks, createdAt, id) = (model.Table<TaskRecord>(),
            model.Column<TaskRecord>(nameof(TaskRecord.CreatedAt)), model.Column<TaskRecord>(nameof(TaskRecord.Id)));
        return $$"""
            SELECT * FROM {{tasks}}
            WHERE ({{createdAt}}, {{id}}) < (SELECT {{createdAt}}, {{id}} FROM {{tasks}} WHERE {{id}} = {0})
            """;
    }

    /// <summary>A page of a task's history in the order it happened, read by the event table's key; null when there is no such task.</summary>
    public static async Task<IReadOnlyList<TaskEventDetails>?> TaskEventsAsync(
        this OrchestratorDbContext db, GetTaskEvents query, CancellationToken cancellationToken)
    {
        var (taskId, limit, after) = query;
        if (!await db.Tasks.AnyAsync(t => t.Id == taskId, cancellationToken))
            return null;
        return await db.TaskEvents.AsNoTracking()
            .Where(e => e.TaskId == taskId && (after == null || e.Id > after))
            .OrderBy(e => e.Id)
            .Take(Math.Clamp(limit, 1, GetTaskEvents.MaxLimit))
            .Select(e => new TaskEventDetails(e.State, e.At, e.Reason, e.NodeId, e.ExitCode, e.OutputTail, e.OutputTailCut, e.Id, e.Caller))
            .ToListAsync(cancellationToken);
    }

    /// <summary>The end of a task's output kept from its latest exit that carried one, for logs whose container is gone.</summary>
    public static async Task<TaskOutputTail> OutputTailAsync(this OrchestratorDbContext db, Guid taskId, CancellationToken cancellationToken) =>
        await db.TaskEvents.AsNoTracking()
            .Where(e => e.TaskId == taskId && e.OutputTail != null)
            .OrderByDescending(e => e.Id)
            .Select(e => new TaskOutputTail(taskId, e.OutputTail, e.OutputTailCut, e.At))
            .FirstOrDefaultAsync(cancellationToken)
        ?? new TaskOutputTail(taskId, null, false, null);
}
