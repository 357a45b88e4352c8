using MassTransit;
using Microsoft.EntityFrameworkCore;
using Orchestrator.Contracts;
using Orchestrator.StateStore.Persistence;

namespace Orchestrator.StateStore.Consumers;

/// <summary>A page of a task's history, in the order it happened, read by the event table's key.</summary>
public sealed class GetTaskEventsConsumer(OrchestratorDbContext db) : IConsumer<GetTaskEvents>
{
    public async Task Consume(ConsumeContext<GetTaskEvents> context)
    {
        var (taskId, limit, after) = context.Message;
        if (!await db.Tasks.AnyAsync(t => t.Id == taskId, context.CancellationToken))
        {
            await context.RespondAsync(new TaskNotFound(taskId));
            return;
        }
        var events = await db.TaskEvents.AsNoTracking()
            .Where(e => e.TaskId == taskId && (after == null || e.Id > after))
            .OrderBy(e => e.Id)
            .Take(Math.Clamp(limit, 1, GetTaskEvents.MaxLimit))
            .Select(e => new TaskEventDetails(e.State, e.At, e.Reason, e.NodeId, e.ExitCode, e.OutputTail, e.OutputTailCut, e.Id))
            .ToListAsync(context.CancellationToken);
        await context.RespondAsync(new TaskEventList(taskId, events));
    }
}
