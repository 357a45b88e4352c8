using MassTransit;
using Microsoft.EntityFrameworkCore;
using Orchestrator.Contracts;
using Orchestrator.Domain.Nodes;
using Orchestrator.Domain.Tasks;
using Orchestrator.StateStore.Liveness;
using Orchestrator.StateStore.Outbox;
using Orchestrator.StateStore.Persistence;
using Orchestrator.StateStore.Persistence.Entities;
using Orchestrator.StateStore.Tasks;

namespace Orchestrator.StateStore.Consumers;

/// <summary>
/// Registers or refreshes a node, and compares the containers it reports with what StateStore believes:
/// a container for a task that no longer belongs there is told to stop, and an exit the agent could not
/// report is recorded from the heartbeat.
/// </summary>
public sealed class NodeHeartbeatConsumer(
    StateTransaction transaction, TaskLifecycle lifecycle, OutboxWriter outbox, HeartbeatBacklog backlog)
    : IConsumer<NodeHeartbeat>
{
    public async Task Consume(ConsumeContext<NodeHeartbeat> context)
    {
        var heartbeat = context.Message;
        await transaction.RunAsync(async db =>
        {
            await RefreshNodeAsync(db, heartbeat, context.CancellationToken);
            await ReconcileAsync(db, heartbeat, context.CancellationToken);
        }, context.CancellationToken);
        backlog.Recorded(heartbeat.SentAt);
    }

    private async Task RefreshNodeAsync(OrchestratorDbContext db, NodeHeartbeat heartbeat, CancellationToken cancellationToken)
    {
        // Liveness is judged by StateStore's clock, never the agent's.
        var now = lifecycle.Now;
        // Nearly every heartbeat is from a known node that is not Down: one UPDATE, no lock, nothing tracked. At a
        // thousand nodes that is 200 a second, the bulk of StateStore's work.
        var labels = new Dictionary<string, string>(heartbeat.Labels ?? new Dictionary<string, string>());
        var refreshed = await db.Nodes
            .Where(n => n.Id == heartbeat.NodeId && n.Status != NodeStatus.Down)
            .ExecuteUpdateAsync(node => node
                .SetProperty(n => n.Name, heartbeat.Name)
                .SetProperty(n => n.Capacity, heartbeat.Capacity)
                .SetProperty(n => n.Allocatable, heartbeat.Allocatable)
                .SetProperty(n => n.Used, heartbeat.Used)
                .SetProperty(n => n.Labels, labels)
                .SetProperty(n => n.LastHeartbeatAt, now), cancellationToken);
        if (refreshed == 0)
            await RegisterOrReviveAsync(db, heartbeat, labels, now, cancellationToken);
    }

    /// <summary>A node's first heartbeat, or its first since it was marked Down.</summary>
    private async Task RegisterOrReviveAsync(
        OrchestratorDbContext db, NodeHeartbeat heartbeat, Dictionary<string, string> labels, DateTimeOffset now, CancellationToken cancellationToken)
    {
        // Two heartbeats of a new node may arrive together; only one may insert it.
        await db.Database.ExecuteSqlAsync(
            $"SELECT pg_advisory_xact_lock(hashtextextended({heartbeat.NodeId.ToString()}, 0))", cancellationToken);
        var node = await db.Nodes.FindAsync([heartbeat.NodeId], cancellationToken);
        if (node is null)
        {
            node = new NodeRecord
            {
                Id = heartbeat.NodeId,
                Name = heartbeat.Name,
                Capacity = heartbeat.Capacity,
                Allocatable = heartbeat.Allocatable,
                Used = heartbeat.Used,
                RegisteredAt = now,
                Status = NodeStatus.Down,
            };
            db.Nodes.Add(node);
        }
        node.Name = heartbeat.Name;
        node.Capacity = heartbeat.Capacity;
        node.Allocatable = heartbeat.Allocatable;
        node.Used = heartbeat.Used;
        node.Labels = labels;
        node.LastHeartbeatAt = now;
        // A draining node stays draining until an operator says otherwise; a Down or new one is back.
        if (node.Status == NodeStatus.Down)
        {
            node.Status = NodeStatus.Ready;
            node.DownSince = null;
            outbox.Publish(new NodeReady(node.Id, node.Name));
        }
    }

    private async Task ReconcileAsync(OrchestratorDbContext db, NodeHeartbeat heartbeat, CancellationToken cancellationToken)
    {
        if (heartbeat.Containers.Count == 0)
            return;
        var taskIds = heartbeat.Containers.Select(c => c.TaskId).Distinct().ToList();
        // Read untracked: most heartbeats change none of these tasks, and tracking them costs a JSON snapshot of
        // each one's spec. A task is attached only when this heartbeat records something on it.
        var tasks = await db.Tasks.AsNoTracking().Where(t => taskIds.Contains(t.Id)).ToDictionaryAsync(t => t.Id, cancellationToken);
        foreach (var container in heartbeat.Containers)
        {
            tasks.TryGetValue(container.TaskId, out var task);
            var belongsHere = task is not null && task.IsCurrentAttempt(heartbeat.NodeId, container.Attempt);
            if (!belongsHere || task!.DesiredState == DesiredState.Stopped)
            {
                if (container.Running && task is null)
                    lifecycle.SendStop(container.TaskId, heartbeat.NodeId, container.Attempt);
                else if (container.Running)
                    lifecycle.SendStop(task!, heartbeat.NodeId, container.Attempt);
                continue;
            }
            if (container.Running && container.LastProbeAt is { } probedAt && (task.LastProbeAt is null || probedAt > task.LastProbeAt))
                Track(db, task).RecordProbe(container.Health, probedAt, container.LastProbeResult);
            if (!container.Running && !container.ExitReported && ExitIsUnreported(task))
            {
                Track(db, task).ContainerId ??= container.ContainerId;
                lifecycle.RecordExit(task, container.ExitCode, oomKilled: false, error: null);
            }
        }
    }

    private static TaskRecord Track(OrchestratorDbContext db, TaskRecord task)
    {
        if (db.Entry(task).State == EntityState.Detached)
            db.Tasks.Attach(task);
        return task;
    }

    /// <summary>
    /// A heartbeat may list a container that died the instant it started before the agent has sent TaskStarted
    /// and TaskExited for it; those reports say more (the OOM flag), so a Scheduled task is left to them unless
    /// they are long overdue, as after an agent that crashed in between.
    /// </summary>
    private bool ExitIsUnreported(TaskRecord task) =>
        task.State == TaskState.Running
        || (task.State == TaskState.Scheduled && task.ScheduledAt < lifecycle.Now - StartReportGrace);

    private static readonly TimeSpan StartReportGrace = TimeSpan.FromMinutes(1);
}
