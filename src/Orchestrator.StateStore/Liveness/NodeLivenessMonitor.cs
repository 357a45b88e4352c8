using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Orchestrator.Contracts;
using Orchestrator.Domain.Nodes;
using Orchestrator.StateStore.Leadership;
using Orchestrator.StateStore.Outbox;
using Orchestrator.StateStore.Persistence;
using Orchestrator.StateStore.Persistence.Queries;
using Orchestrator.StateStore.Tasks;

namespace Orchestrator.StateStore.Liveness;

/// <summary>
/// Marks nodes Down when their heartbeats stop. Only the StateStore that leads sweeps (<see cref="LeaseKeeper"/>).
/// A node's silence is counted from where StateStore is in the heartbeat queue, not from the wall clock
/// (<see cref="HeartbeatBacklog"/>), and a silence of most of the cluster at once is held back rather than believed
/// (<see cref="SilenceVerdict"/>). No node is marked Down before this monitor has itself watched for the longer of a
/// TTL and <see cref="LivenessOptions.StartupGrace"/>.
/// </summary>
public sealed class NodeLivenessMonitor(
    IServiceScopeFactory scopes,
    IOptions<LivenessOptions> options,
    HeartbeatBacklog backlog,
    LeaseKeeper leadership,
    TimeProvider clock,
    ILogger<NodeLivenessMonitor> logger) : PeriodicBackgroundService(clock)
{
    private bool _holdingBack;
    private DateTimeOffset? _watchingSince;

    protected override TimeSpan Interval => options.Value.CheckInterval;

    protected override Task RunOnceAsync(CancellationToken cancellationToken) => SweepAsync(cancellationToken);

    protected override void OnRunFailed(Exception error) => logger.LogWarning(error, "Node liveness sweep failed");

    private async Task SweepAsync(CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var transaction = scope.ServiceProvider.GetRequiredService<StateTransaction>();
        var outbox = scope.ServiceProvider.GetRequiredService<OutboxWriter>();
        var lifecycle = scope.ServiceProvider.GetRequiredService<TaskLifecycle>();
        var deadline = Clock.GetUtcNow() - options.Value.NodeTtl - backlog.Current;
        // A silence is counted from when this monitor began to watch, never from before: after a restart of the
        // control plane the last heartbeats on record are as old as the outage, and the nodes' containers ran on
        // through it. Counted whether or not this instance leads: every StateStore takes its share of the heartbeats,
        // so one that takes over from a dead leader has watched them all along.
        _watchingSince ??= Clock.GetUtcNow();
        if (!leadership.Leads || _watchingSince > deadline || Clock.GetUtcNow() - _watchingSince < options.Value.StartupGrace)
            return;
        await transaction.RunAsync(async db =>
        {
            var silent = await db.Nodes
                .Where(n => n.Status == NodeStatus.Ready && n.LastHeartbeatAt < deadline)
                .ToListAsync(cancellationToken);
            if ((silent.Count > 0 || _holdingBack) && !await BelievedAsync(db, silent.Count, cancellationToken))
                return;
            foreach (var node in silent)
            {
                node.MarkDown(Clock.GetUtcNow());
                var reason = $"node {node.Name} is Down: no heartbeat since {node.LastHeartbeatAt:u}";
                var lost = await db.LiveTasks().Where(t => t.NodeId == node.Id).ToListAsync(cancellationToken);
                foreach (var task in lost)
                    lifecycle.ReleaseFromNode(task, reason);
                outbox.Publish(new NodeDown(node.Id, node.Name, node.LastHeartbeatAt));
                transaction.AfterCommit(() => logger.LogWarning(
                    "Node {NodeName} ({NodeId}) is Down: last heartbeat at {LastHeartbeatAt}; {Count} tasks to place again",
                    node.Name, node.Id, node.LastHeartbeatAt, lost.Count));
            }
        }, cancellationToken);
    }

    private async Task<bool> BelievedAsync(OrchestratorDbContext db, int silent, CancellationToken cancellationToken)
    {
        var ready = await db.Nodes.CountAsync(n => n.Status == NodeStatus.Ready, cancellationToken);
        var holdBack = silent > 0 && !SilenceVerdict.MarkDown(ready, silent, options.Value.MassSilenceThreshold);
        if (holdBack != _holdingBack)
        {
            _holdingBack = holdBack;
            if (holdBack)
                logger.LogWarning(
                    "{Silent} of {Ready} Ready nodes have sent no heartbeat for {Ttl}: too many at once to be the nodes; " +
                    "suspecting StateStore, the broker or the network, and marking none Down until the silence ends",
                    silent, ready, options.Value.NodeTtl);
            else
                logger.LogWarning("The mass silence has ended: {Silent} of {Ready} Ready nodes are silent", silent, ready);
        }
        return !holdBack;
    }
}
