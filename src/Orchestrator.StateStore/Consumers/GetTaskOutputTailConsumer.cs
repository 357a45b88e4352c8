using MassTransit;
using Microsoft.EntityFrameworkCore;
using Orchestrator.Contracts;
using Orchestrator.StateStore.Persistence;

namespace Orchestrator.StateStore.Consumers;

/// <summary>The end of a task's output kept from its latest exit that carried one, for logs whose container is gone.</summary>
public sealed class GetTaskOutputTailConsumer(OrchestratorDbContext db) : IConsumer<GetTaskOutputTail>
{
    public async Task Consume(ConsumeContext<GetTaskOutputTail> context)
    {
        var taskId = context.Message.TaskId;
        var kept = await db.TaskEvents.AsNoTracking()
            .Where(e => e.TaskId == taskId && e.OutputTail != null)
            .OrderByDescending(e => e.Id)
            .Select(e => new TaskOutputTail(taskId, e.OutputTail, e.OutputTailCut, e.At))
            .FirstOrDefaultAsync(context.CancellationToken);
        await context.RespondAsync(kept ?? new TaskOutputTail(taskId, null, false, null));
    }
}
