using MassTransit;
using Microsoft.Extensions.Options;
using Orchestrator.Contracts;
using Orchestrator.StateStore.Heartbeats;
using Orchestrator.StateStore.Liveness;
using Orchestrator.StateStore.Outbox;
using Orchestrator.StateStore.Persistence;
using Orchestrator.StateStore.Security;
using Orchestrator.StateStore.Tasks;

namespace Orchestrator.StateStore.Consumers;

/// <summary>
/// Applies a batch of heartbeats in one transaction: compares the containers each lists with the tasks
/// (<see cref="ContainerReconciler"/>, which also stands in for lost reports), re-sends the StartTasks of the
/// Scheduled attempts they do not show (<see cref="LostStartRecovery"/>), refreshes the known nodes
/// (<see cref="KnownNodeRefresh"/>), registers new ones and revives Down ones (<see cref="NodeRegistration"/>), and
/// records the newest probes (<see cref="TaskProbes"/>). Heartbeats come in batches: at a thousand nodes they are 200 a
/// second, and one transaction per heartbeat was most of StateStore's work and a quarter of a core of Postgres's.
/// </summary>
public sealed class NodeHeartbeatConsumer(
    StateTransaction transaction, TaskLifecycle lifecycle, OutboxWriter outbox, HeartbeatBacklog backlog, IOptions<LivenessOptions> liveness,
    ReportSenders senders)
    : IConsumer<Batch<NodeHeartbeat>>
{
    private readonly ContainerReconciler _containers = new(lifecycle, new LostReportRecovery(lifecycle, liveness.Value.ReportGrace));
    private readonly LostStartRecovery _lostStarts = new(lifecycle, backlog, liveness.Value);
    private readonly NodeRegistration _registration = new(outbox);

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
        var cancellationToken = context.CancellationToken;
        await transaction.RunAsync(async db =>
        {
            // Reads first: the node rows stay locked from the UPDATE to the commit, and PlaceTasks waits for them.
            // Task rows are written after the nodes, the order PlaceTasks locks them in.
            var findings = await _containers.ReconcileAsync(db, heartbeats, cancellationToken);
            await _lostStarts.RecoverAsync(db, heartbeats, cancellationToken);
            // Liveness is judged by StateStore's clock, never the agent's.
            var refreshed = await KnownNodeRefresh.RefreshAsync(db, heartbeats, findings, lifecycle.Now, cancellationToken);
            foreach (var heartbeat in heartbeats.Where(h => !refreshed.Contains(h.NodeId)))
                await _registration.RegisterOrReviveAsync(db, heartbeat, findings.UnknownOn(heartbeat.NodeId), lifecycle.Now, cancellationToken);
            await TaskProbes.RecordNewestAsync(db, findings.Probes, cancellationToken);
        }, cancellationToken);
        foreach (var heartbeat in believed)
            backlog.Recorded(heartbeat.SentAt);
    }
}
