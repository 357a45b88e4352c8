using MassTransit;
using Microsoft.EntityFrameworkCore;
using Orchestrator.Contracts;
using Orchestrator.StateStore.Persistence;

namespace Orchestrator.StateStore.Consumers;

public sealed class GetTaskConsumer(OrchestratorDbContext db) : IConsumer<GetTask>
{
    public async Task Consume(ConsumeContext<GetTask> context)
    {
        var task = await db.Tasks.AsNoTracking().FirstOrDefaultAsync(t => t.Id == context.Message.TaskId, context.CancellationToken);
        if (task is null)
            await context.RespondAsync(new TaskNotFound(context.Message.TaskId));
        else
            await context.RespondAsync(task.ToDetails());
    }
}
