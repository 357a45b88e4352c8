using MassTransit;
using Microsoft.EntityFrameworkCore;
using Orchestrator.Contracts;
using Orchestrator.StateStore.Persistence;

namespace Orchestrator.StateStore.Consumers;

public sealed class ListTasksConsumer(OrchestratorDbContext db) : IConsumer<ListTasks>
{
    public async Task Consume(ConsumeContext<ListTasks> context)
    {
        var tasks = await db.Tasks.AsNoTracking()
            .OrderByDescending(t => t.CreatedAt)
            .Take(Math.Clamp(context.Message.Limit, 1, 5000))
            .ToListAsync(context.CancellationToken);
        await context.RespondAsync(new TaskList(tasks.Select(t => t.ToDetails()).ToList()));
    }
}
