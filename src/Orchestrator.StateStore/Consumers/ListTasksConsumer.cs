using MassTransit;
using Microsoft.EntityFrameworkCore;
using Orchestrator.Contracts;
using Orchestrator.StateStore.Persistence;

namespace Orchestrator.StateStore.Consumers;

public sealed class ListTasksConsumer(OrchestratorDbContext db) : IConsumer<ListTasks>
{
    public async Task Consume(ConsumeContext<ListTasks> context)
    {
        var query = context.Message;
        var tasks = db.Tasks.AsNoTracking();
        if (query.State is { } state)
            tasks = tasks.Where(t => t.State == state);
        if (!string.IsNullOrEmpty(query.IdPrefix))
        {
            // The Api lets through only hex digits and dashes, so the prefix holds no LIKE wildcards.
            var prefix = query.IdPrefix.Replace("-", "").ToLowerInvariant() + "%";
            tasks = tasks.Where(t => EF.Functions.Like(t.Id.ToString().Replace("-", ""), prefix));
        }
        var page = await tasks
            .OrderByDescending(t => t.CreatedAt)
            .Take(Math.Clamp(query.Limit, 1, ListTasks.MaxLimit))
            .ToListAsync(context.CancellationToken);
        await context.RespondAsync(new TaskList(page.Select(t => t.ToDetails()).ToList()));
    }
}
