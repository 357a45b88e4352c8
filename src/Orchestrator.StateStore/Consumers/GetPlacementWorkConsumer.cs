using MassTransit;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata;
using Orchestrator.Contracts;
using Orchestrator.Domain.Tasks;
using Orchestrator.StateStore.Leadership;
using Orchestrator.StateStore.Persistence;
using Orchestrator.StateStore.Persistence.Entities;
using Orchestrator.StateStore.Persistence.Queries;

namespace Orchestrator.StateStore.Consumers;

/// <summary>
/// The Scheduler's work: a batch of the oldest Pending tasks of its share (<see cref="SchedulerShares"/>) and, if it
/// asks, a fresh snapshot of every node.
/// </summary>
public sealed class GetPlacementWorkConsumer(OrchestratorDbContext db) : IConsumer<GetPlacementWork>
{
    public async Task Consume(ConsumeContext<GetPlacementWork> context)
    {
        var limit = Math.Clamp(context.Message.Limit, 1, 5000);
        var share = context.Message.Member is { } member
            ? await SchedulerShares.JoinAsync(db, member, context.CancellationToken)
            : PendingShare.Whole;
        var pending = Behind(context.Message.After)
            .AsNoTracking()
            .Where(t => t.State == TaskState.Pending && t.DesiredState == DesiredState.Running);
        if (!share.IsWhole)
            pending = pending.Where(t => (OrchestratorDbContext.HashText(t.Id.ToString()) & int.MaxValue) % share.Count == share.Index);
        var batch = await pending
            .OrderBy(t => t.CreatedAt).ThenBy(t => t.Id)
            .Take(limit)
            .Select(t => new { Task = new PendingTask(t.Id, t.Version, t.Spec, t.Message, t.TraceParent, t.JobName, t.VolumeNodeId), t.CreatedAt })
            .ToListAsync(context.CancellationToken);
        var nodes = batch.Count == 0 || !context.Message.IncludeNodes ? [] : await db.LoadSnapshotsAsync(onlyNodes: null, context.CancellationToken);
        var next = batch.Count == limit ? new PendingCursor(batch[^1].CreatedAt, batch[^1].Task.TaskId) : null;
        await context.RespondAsync(new PlacementWork(batch.Select(b => b.Task).ToList(), nodes, next));
    }

    /// <summary>Every task, or those after the cursor in the queue's order (a row comparison, exact on ties).</summary>
    private IQueryable<TaskRecord> Behind(PendingCursor? after) => after is null
        ? db.Tasks
        : db.Tasks.FromSqlRaw(_behindSql ??= BehindSql(db.Model), after.CreatedAt, after.TaskId);

    private static string? _behindSql;

    /// <summary>The tasks after a cursor, with the names the model maps (<see cref="SqlNames"/>).</summary>
    public static string BehindSql(IModel model) => $$"""
        SELECT * FROM {{model.Table<TaskRecord>()}}
        WHERE ({{model.Column<TaskRecord>(nameof(TaskRecord.CreatedAt))}}, {{model.Column<TaskRecord>(nameof(TaskRecord.Id))}}) > ({0}, {1})
        """;
}
