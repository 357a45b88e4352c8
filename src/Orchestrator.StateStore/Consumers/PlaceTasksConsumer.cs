using MassTransit;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata;
using Orchestrator.Contracts;
using Orchestrator.Domain.Scheduling;
using Orchestrator.Domain.Tasks;
using Orchestrator.StateStore.Persistence;
using Orchestrator.StateStore.Persistence.Entities;
using Orchestrator.StateStore.Persistence.Queries;
using Orchestrator.StateStore.Tasks;
using Orchestrator.StateStore.Telemetry;

namespace Orchestrator.StateStore.Consumers;

/// <summary>
/// Applies a Scheduler pass's proposals, each only if it still holds: the task is Pending at the expected
/// version, the node is Ready, and the node's allocatable minus its live tasks' requests (and the proposals
/// accepted before it in this batch) still fits. The nodes' rows are locked for the check, in id order so that two
/// schedulers' batches cannot deadlock, and so two schedulers can never over-commit one node. One transaction
/// for the whole batch: a pass costs one round trip and one commit, not one per task.
/// </summary>
public sealed class PlaceTasksConsumer(StateTransaction transaction, TaskLifecycle lifecycle)
    : IConsumer<PlaceTasks>
{
    public async Task Consume(ConsumeContext<PlaceTasks> context)
    {
        var placements = context.Message.Placements;
        var results = await transaction.RunAsync(async db =>
        {
            var nodeIds = placements.Select(p => p.NodeId).Distinct().OrderBy(id => id).ToArray();
            var locked = await db.Nodes
                .FromSqlRaw(_lockNodesSql ??= LockNodesSql(db.Model), nodeIds)
                .Select(n => n.Id)
                .ToListAsync(context.CancellationToken);
            var snapshots = (await db.LoadSnapshotsAsync(locked, context.CancellationToken)).ToDictionary(n => n.Id);
            var taskIds = placements.Select(p => p.TaskId).ToArray();
            var tasks = await db.Tasks.Where(t => taskIds.Contains(t.Id)).ToDictionaryAsync(t => t.Id, context.CancellationToken);

            var results = new List<PlacementResult>(placements.Count);
            foreach (var placement in placements)
            {
                var refusal = Check(placement, tasks.GetValueOrDefault(placement.TaskId), snapshots.GetValueOrDefault(placement.NodeId));
                if (refusal is null)
                {
                    var task = tasks[placement.TaskId];
                    var node = snapshots[placement.NodeId];
                    Place(task, node);
                    snapshots[node.Id] = node.WithTask(task.Spec);
                }
                results.Add(new PlacementResult(placement.TaskId, placement.NodeId, refusal));
            }
            return results;
        }, context.CancellationToken);

        await context.RespondAsync(new PlacementResults(results));
    }

    private static string? _lockNodesSql;

    /// <summary>Locks the nodes' rows in id order, with the names the model maps (<see cref="SqlNames"/>).</summary>
    public static string LockNodesSql(IModel model)
    {
        var id = model.Column<NodeRecord>(nameof(NodeRecord.Id));
        return $"SELECT * FROM {model.Table<NodeRecord>()} WHERE {id} = ANY({{0}}) ORDER BY {id} FOR UPDATE";
    }

    private static string? Check(PlaceTask placement, Persistence.Entities.TaskRecord? task, NodeSnapshot? node)
    {
        if (node is null)
            return "the node is unknown";
        if (task is null)
            return "the task is unknown";
        if (task.State != TaskState.Pending || task.Version != placement.ExpectedVersion || task.DesiredState != DesiredState.Running)
            return $"the task is {task.State} at version {task.Version}, not Pending at version {placement.ExpectedVersion}";
        return CandidateFilter.RejectionReason(task.PlacementSpec, node) is { } reason ? $"the node cannot take it: {reason}" : null;
    }

    private void Place(Persistence.Entities.TaskRecord task, NodeSnapshot node)
    {
        // The batch may run in another task's trace; this task's commands go out in its own.
        using var span = TaskTrace.StartSpan(StateStoreTelemetry.Source, "place task", task.TraceParent);
        span?.SetTag("orchestrator.task.id", task.Id).SetTag("orchestrator.node.id", node.Id);
        lifecycle.Place(task, node.Id, node.Name);
    }
}
