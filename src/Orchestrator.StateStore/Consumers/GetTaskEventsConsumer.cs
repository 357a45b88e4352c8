using MassTransit;
using Microsoft.EntityFrameworkCore;
using Orchestrator.Contracts;
using Orchestrator.StateStore.Persistence;

namespace Orchestrator.StateStore.Consumers;

/// <summary>A task's history, in the order it happened.</summary>
public sealed class GetTaskEventsConsumer(OrchestratorDbContext db) : IConsumer<GetTaskEvents>
{
    public async Task Consume(ConsumeContext<GetTaskEvents> context)
    {
        var taskId = context.Message.TaskId;
        if (!await db.Tasks.AnyAsync(t => t.Id == taskId, context.CancellationToken))
        {
            await context.RespondAsync(new TaskNotFound(taskId));
            return;
        }
        var events = await db.TaskEvents.AsNoTracking()
            .Where(e => e.TaskId == taskId)
            .OrderBy(e => e.Id)
            .Select(e => new TaskEventDetails(e.State, e.At, e.Reason, e.NodeId, e.ExitCode, e.OutputTail, e.OutputTailCut))
            .ToListAsync(context.CancellationToken);
        await context.RespondAsync(new TaskEventList(taskId, events));
    }
}
