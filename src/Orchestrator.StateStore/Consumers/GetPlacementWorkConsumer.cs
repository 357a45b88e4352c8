using MassTransit;
using Microsoft.EntityFrameworkCore;
using Orchestrator.Contracts;
using Orchestrator.Domain.Tasks;
using Orchestrator.StateStore.Persistence;
using Orchestrator.StateStore.Tasks;

namespace Orchestrator.StateStore.Consumers;

/// <summary>The Scheduler's resync: the oldest Pending tasks and a fresh snapshot of every node.</summary>
public sealed class GetPlacementWorkConsumer(OrchestratorDbContext db) : IConsumer<GetPlacementWork>
{
    public async Task Consume(ConsumeContext<GetPlacementWork> context)
    {
        var pending = await db.Tasks.AsNoTracking()
            .Where(t => t.State == TaskState.Pending && t.DesiredState == DesiredState.Running)
            .OrderBy(t => t.CreatedAt)
            .Take(Math.Clamp(context.Message.Limit, 1, 5000))
            .Select(t => new PendingTask(t.Id, t.Version, t.Spec, t.Message, t.TraceParent))
            .ToListAsync(context.CancellationToken);
        var nodes = pending.Count == 0 ? [] : await db.LoadSnapshotsAsync(onlyNodes: null, context.CancellationToken);
        await context.RespondAsync(new PlacementWork(pending, nodes));
    }
}
