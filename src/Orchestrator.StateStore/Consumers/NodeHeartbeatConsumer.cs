using MassTransit;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Orchestrator.Contracts;
using Orchestrator.Domain.Nodes;
using Orchestrator.Domain.Tasks;
using Orchestrator.StateStore.Liveness;
using Orchestrator.StateStore.Outbox;
using Orchestrator.StateStore.Persistence;
using Orchestrator.StateStore.Persistence.Entities;
using Orchestrator.StateStore.Security;
using Orchestrator.StateStore.Tasks;

namespace Orchestrator.StateStore.Consumers;

/// <summary>
/// Registers or refreshes nodes, and compares the containers each reports with what StateStore believes: a
/// container for a task that no longer belongs there is told to stop, and an exit the agent could not report is
/// recorded from the heartbeat. A container whose task StateStore does not know is left running and recorded on its
/// node as unknown: a database that was wiped or replaced must not cost the user every workload. Heartbeats come in batches: at a thousand nodes they are 200 a second, and one
/// transaction per heartbeat was most of StateStore's work and a quarter of a core of Postgres's.
/// </summary>
public sealed class NodeHeartbeatConsumer(
    StateTransaction transaction, TaskLifecycle lifecycle, OutboxWriter outbox, HeartbeatBacklog backlog, IOptions<LivenessOptions> liveness,
    ReportSenders senders)
    : IConsumer<Batch<NodeHeartbeat>>
{
    /// <summary>The most heartbeats applied in one transaction.</summary>
    public const int BatchLimit = 100;

    /// <summary>How long a heartbeat waits for others to share its transaction: nothing next to a node's TTL.</summary>
    public static readonly TimeSpan BatchWindow = TimeSpan.FromMilliseconds(100);

    public async Task Consume(ConsumeContext<Batch<NodeHeartbeat>> context)
    {
        // One batch at a time, so a node's later heartbeat is never applied before its earlier one; within a batch
        // its newest says everything the older ones do.
        var believed = context.Message
            .Where(message => senders.Allows(message, message.Message.NodeId, nameof(NodeHeartbeat)))
            .Select(message => message.Message)
            .ToList();
        var heartbeats = believed
            .GroupBy(heartbeat => heartbeat.NodeId)
            .Select(node => node.MaxBy(heartbeat => heartbeat.SentAt)!)
            .ToList();
        if (heartbeats.Count == 0)
            return;
        await transaction.RunAsync(async db =>
        {
            // Reads first: the node rows stay locked from the UPDATE to the commit, and PlaceTasks waits for them.
            // Task rows are written after the nodes, the order PlaceTasks locks them in.
            var (probes, unknown) = await ReconcileAsync(db, heartbeats, context.CancellationToken);
            var refreshed = await RefreshKnownNodesAsync(db, heartbeats, unknown, context.CancellationToken);
            foreach (var heartbeat in heartbeats.Where(h => !refreshed.Contains(h.NodeId)))
                await RegisterOrReviveAsync(db, heartbeat, UnknownOf(unknown, heartbeat), context.CancellationToken);
            await TaskProbes.RecordNewestAsync(db, probes, context.CancellationToken);
        }, context.CancellationToken);
        foreach (var heartbeat in believed)
            backlog.Recorded(heartbeat.SentAt);
    }

    /// <summary>
    /// Nearly every heartbeat is from a known node that is not Down: one UPDATE for all of them, no advisory lock,
    /// nothing tracked. Every known node of the batch is locked here, in id order, the order PlaceTasks locks nodes
    /// in, Down ones included: <see cref="RegisterOrReviveAsync"/> updates those later in the transaction, and
    /// locking them only then (after the others, out of order) let a placement that holds one and waits for another
    /// deadlock with the batch. Answers the nodes it refreshed.
    /// </summary>
    private async Task<HashSet<Guid>> RefreshKnownNodesAsync(
        OrchestratorDbContext db, IReadOnlyList<NodeHeartbeat> heartbeats, UnknownByNode unknown, CancellationToken cancellationToken)
    {
        // Liveness is judged by StateStore's clock, never the agent's.
        var now = lifecycle.Now;
        var down = nameof(NodeStatus.Down);
        var ids = heartbeats.Select(h => h.NodeId).ToArray();
        var names = heartbeats.Select(h => h.Name).ToArray();
        var labels = heartbeats.Select(h => JsonColumn.Serialize(NodeRecord.LabelsOf(h))).ToArray();
        var capacityCpu = heartbeats.Select(h => h.Capacity.Cpu).ToArray();
        var capacityMemory = heartbeats.Select(h => h.Capacity.MemoryMb).ToArray();
        var capacityDisk = heartbeats.Select(h => h.Capacity.DiskMb).ToArray();
        var allocatableCpu = heartbeats.Select(h => h.Allocatable.Cpu).ToArray();
        var allocatableMemory = heartbeats.Select(h => h.Allocatable.MemoryMb).ToArray();
        var allocatableDisk = heartbeats.Select(h => h.Allocatable.DiskMb).ToArray();
        var usedCpu = heartbeats.Select(h => h.Used.Cpu).ToArray();
        var usedMemory = heartbeats.Select(h => h.Used.MemoryMb).ToArray();
        var usedDisk = heartbeats.Select(h => h.Used.DiskMb).ToArray();
        var unknownContainers = heartbeats.Select(h => JsonColumn.Serialize(UnknownOf(unknown, h))).ToArray();
        var refreshed = await db.Database.SqlQuery<Guid>($"""
            WITH beat AS (
                SELECT * FROM unnest({ids}, {names}, {labels}, {capacityCpu}, {capacityMemory}, {capacityDisk},
                    {allocatableCpu}, {allocatableMemory}, {allocatableDisk}, {usedCpu}, {usedMemory}, {usedDisk},
                    {unknownContainers})
                    AS b(id, name, labels, capacity_cpu, capacity_memory, capacity_disk,
                        allocatable_cpu, allocatable_memory, allocatable_disk, used_cpu, used_memory, used_disk,
                        unknown_containers)),
            locked AS MATERIALIZED (
                SELECT n."Id" FROM orchestrator.nodes n JOIN beat ON n."Id" = beat.id
                ORDER BY n."Id" FOR UPDATE OF n)
            UPDATE orchestrator.nodes n SET
                "Name" = beat.name, "Labels" = beat.labels::jsonb,
                "Capacity_Cpu" = beat.capacity_cpu, "Capacity_MemoryMb" = beat.capacity_memory, "Capacity_DiskMb" = beat.capacity_disk,
                "Allocatable_Cpu" = beat.allocatable_cpu, "Allocatable_MemoryMb" = beat.allocatable_memory,
                "Allocatable_DiskMb" = beat.allocatable_disk,
                "Used_Cpu" = beat.used_cpu, "Used_MemoryMb" = beat.used_memory, "Used_DiskMb" = beat.used_disk,
                "UnknownContainers" = beat.unknown_containers::jsonb, "LastHeartbeatAt" = {now}
            FROM beat, locked
            WHERE n."Id" = beat.id AND n."Id" = locked."Id" AND n."Status" <> {down}
            RETURNING n."Id" AS "Value"
            """).ToListAsync(cancellationToken);
        return [.. refreshed];
    }

    private static List<UnknownContainer> UnknownOf(UnknownByNode unknown, NodeHeartbeat heartbeat) =>
        unknown.GetValueOrDefault(heartbeat.NodeId) ?? [];

    /// <summary>A node's first heartbeat, or its first since it was marked Down.</summary>
    private async Task RegisterOrReviveAsync(
        OrchestratorDbContext db, NodeHeartbeat heartbeat, List<UnknownContainer> unknown, CancellationToken cancellationToken)
    {
        var now = lifecycle.Now;
        // Two heartbeats of a new node may arrive together; only one may insert it.
        await db.Database.ExecuteSqlAsync(
            $"SELECT pg_advisory_xact_lock(hashtextextended({heartbeat.NodeId.ToString()}, 0))", cancellationToken);
        var node = await db.Nodes.FindAsync([heartbeat.NodeId], cancellationToken);
        if (node is null)
        {
            node = NodeRecord.Register(heartbeat, now);
            db.Nodes.Add(node);
        }
        node.Refresh(heartbeat, unknown, now);
        // A draining node stays draining until an operator says otherwise; a Down or new one is back.
        if (node.Revive())
            outbox.Publish(new NodeReady(node.Id, node.Name));
    }

    /// <summary>
    /// Compares the reported containers with the tasks; answers the probes newer than those read, which
    /// <see cref="TaskProbes"/> records only if they are still newer when written, and each node's running
    /// containers whose task is unknown.
    /// </summary>
    private async Task<(List<ProbeReport> Probes, UnknownByNode Unknown)> ReconcileAsync(
        OrchestratorDbContext db, IReadOnlyList<NodeHeartbeat> heartbeats, CancellationToken cancellationToken)
    {
        var probes = new List<ProbeReport>();
        var unknown = new UnknownByNode();
        var taskIds = heartbeats.SelectMany(h => h.Containers).Select(c => c.TaskId).Distinct().ToList();
        if (taskIds.Count == 0)
            return (probes, unknown);
        // Read untracked: most heartbeats change none of these tasks, and tracking them costs a JSON snapshot of
        // each one's spec. A task is attached only when a heartbeat records something on it.
        var tasks = await db.Tasks.AsNoTracking().Where(t => taskIds.Contains(t.Id)).ToDictionaryAsync(t => t.Id, cancellationToken);
        foreach (var heartbeat in heartbeats)
            Reconcile(db, heartbeat, tasks, probes, unknown);
        return (probes, unknown);
    }

    private void Reconcile(
        OrchestratorDbContext db, NodeHeartbeat heartbeat, IReadOnlyDictionary<Guid, TaskRecord> tasks, List<ProbeReport> probes,
        UnknownByNode unknown)
    {
        foreach (var container in heartbeat.Containers)
        {
            if (!tasks.TryGetValue(container.TaskId, out var task))
            {
                // Not ended by the control plane, only forgotten by it: whether it is still wanted is the operator's call.
                if (container.Running)
                    AddUnknown(unknown, heartbeat.NodeId, new UnknownContainer(container.TaskId, container.Attempt, container.ContainerId));
                continue;
            }
            if (!task.IsCurrentAttempt(heartbeat.NodeId, container.Attempt) || task.DesiredState == DesiredState.Stopped)
            {
                if (container.Running)
                    lifecycle.SendStop(task, heartbeat.NodeId, container.Attempt);
                continue;
            }
            if (container.Running && StartIsUnreported(task))
                lifecycle.RecordStart(Track(db, task), container.ContainerId, container.Ports, startedAt: null,
                    $"container {container.ContainerId[..Math.Min(12, container.ContainerId.Length)]} found running by the node's heartbeat; its start report never arrived");
            if (container.Running && container.LastProbeAt is { } probedAt && (task.LastProbeAt is null || probedAt > task.LastProbeAt))
                probes.Add(new ProbeReport(task.Id, heartbeat.NodeId, container.Attempt, container.Health, probedAt, container.LastProbeResult));
            if (!container.Running && ExitIsUnrecorded(task, container))
            {
                Track(db, task);
                // The agent's own report when it sent one (it was lost): all it said, the OOM flag included.
                if (container.ExitReport is { } report && report.TaskId == task.Id && report.Attempt == container.Attempt)
                    lifecycle.RecordExit(task, report, container.ContainerId);
                else
                    lifecycle.RecordExit(task, container.ContainerId, container.ExitCode);
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
    /// An exit StateStore has not recorded. If the agent has not reported it (it crashed in between, or restarted
    /// and forgot), the heartbeat records it at once for a Running task, and for a Scheduled one once its start
    /// report is overdue (a container that died the instant it started has its TaskStarted and TaskExited on the
    /// way; they say more, such as the OOM flag). If the agent reported it and StateStore still holds the task as
    /// live a grace later, the report was lost (it faulted past every retry): the heartbeat stands in for it.
    /// </summary>
    private bool ExitIsUnrecorded(TaskRecord task, ContainerReport container) => container.ExitReported
        ? task.State is TaskState.Running or TaskState.Scheduled && container.ExitReportedAt < lifecycle.Now - ReportGrace
        : task.State == TaskState.Running || StartIsUnreported(task);

    /// <summary>
    /// A task still Scheduled long after its placement, whose container the agent lists: the agent started it, and
    /// its TaskStarted never reached StateStore (it faulted past every retry, e.g. in a long database outage).
    /// </summary>
    private bool StartIsUnreported(TaskRecord task) =>
        task.State == TaskState.Scheduled && task.ScheduledAt < lifecycle.Now - ReportGrace;

    private TimeSpan ReportGrace => liveness.Value.ReportGrace;

    private static void AddUnknown(UnknownByNode unknown, Guid nodeId, UnknownContainer container)
    {
        if (!unknown.TryGetValue(nodeId, out var containers))
            unknown[nodeId] = containers = [];
        containers.Add(container);
    }

    /// <summary>Each node's running containers whose task StateStore does not know.</summary>
    private sealed class UnknownByNode : Dictionary<Guid, List<UnknownContainer>>;
}
