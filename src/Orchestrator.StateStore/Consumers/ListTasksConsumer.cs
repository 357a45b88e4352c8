using MassTransit;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata;
using Orchestrator.Contracts;
using Orchestrator.StateStore.Persistence;
using Orchestrator.StateStore.Persistence.Entities;

namespace Orchestrator.StateStore.Consumers;

public sealed class ListTasksConsumer(OrchestratorDbContext db) : IConsumer<ListTasks>
{
    public async Task Consume(ConsumeContext<ListTasks> context)
    {
        var query = context.Message;
        var tasks = db.Tasks.AsNoTracking();
        if (query.Before is { } before)
        {
            if (!await db.Tasks.AnyAsync(t => t.Id == before, context.CancellationToken))
            {
                await context.RespondAsync(new TaskNotFound(before));
                return;
            }
            // The list's own order, (CreatedAt, Id) descending, continued past the given task: a row comparison, so
            // tasks created in the same microsecond are neither skipped nor repeated.
            tasks = db.Tasks.FromSqlRaw(_beforeSql ??= BeforeSql(db.Model), before).AsNoTracking();
        }
        if (query.State is { } state)
            tasks = tasks.Where(t => t.State == state);
        if (query.Job is { } job)
            tasks = tasks.Where(t => t.JobName == job);
        if (!string.IsNullOrEmpty(query.IdPrefix))
        {
            // The Api lets through only hex digits and dashes, so the prefix holds no LIKE wildcards.
            var prefix = query.IdPrefix.Replace("-", "").ToLowerInvariant() + "%";
            tasks = tasks.Where(t => EF.Functions.Like(t.Id.ToString().Replace("-", ""), prefix));
        }
        var page = await tasks
            .OrderByDescending(t => t.CreatedAt)
            .ThenByDescending(t => t.Id)
            .Take(Math.Clamp(query.Limit, 1, ListTasks.MaxLimit))
            .ToListAsync(context.CancellationToken);
        await context.RespondAsync(new TaskList(page.Select(t => t.ToDetails()).ToList()));
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
}
