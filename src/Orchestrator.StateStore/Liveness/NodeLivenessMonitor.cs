using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Orchestrator.Contracts;
using Orchestrator.Domain.Nodes;
using Orchestrator.StateStore.Outbox;
using Orchestrator.StateStore.Persistence;
using Orchestrator.StateStore.Tasks;

namespace Orchestrator.StateStore.Liveness;

/// <summary>
/// Marks nodes Down when their heartbeats stop. Each sweep takes a transaction-scoped Postgres advisory lock,
/// so with several StateStore instances only one sweeps at a time.
/// </summary>
public sealed class NodeLivenessMonitor(
    IServiceScopeFactory scopes,
    IOptions<LivenessOptions> options,
    TimeProvider clock,
    ILogger<NodeLivenessMonitor> logger) : PeriodicBackgroundService(clock)
{
    // An arbitrary constant that names this monitor's lock among the database's advisory locks.
    private const long AdvisoryLockKey = 0x4F52_4348_4C49_5645; // "ORCHLIVE"

    protected override TimeSpan Interval => options.Value.CheckInterval;

    protected override Task RunOnceAsync(CancellationToken cancellationToken) => SweepAsync(cancellationToken);

    protected override void OnRunFailed(Exception error) => logger.LogWarning(error, "Node liveness sweep failed");

    private async Task SweepAsync(CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var transaction = scope.ServiceProvider.GetRequiredService<StateTransaction>();
        var outbox = scope.ServiceProvider.GetRequiredService<OutboxWriter>();
        var lifecycle = scope.ServiceProvider.GetRequiredService<TaskLifecycle>();
        var deadline = Clock.GetUtcNow() - options.Value.NodeTtl;
        await transaction.RunAsync(async db =>
        {
            var gotLock = await db.Database
                .SqlQuery<bool>($"SELECT pg_try_advisory_xact_lock({AdvisoryLockKey}) AS \"Value\"")
                .SingleAsync(cancellationToken);
            if (!gotLock)
                return;
            var silent = await db.Nodes
                .Where(n => n.Status == NodeStatus.Ready && n.LastHeartbeatAt < deadline)
                .ToListAsync(cancellationToken);
            foreach (var node in silent)
            {
                node.Status = NodeStatus.Down;
                node.DownSince = Clock.GetUtcNow();
                var reason = $"node {node.Name} is Down: no heartbeat since {node.LastHeartbeatAt:u}";
                var lost = await db.LiveTasks().Where(t => t.NodeId == node.Id).ToListAsync(cancellationToken);
                foreach (var task in lost)
                    lifecycle.ReleaseFromNode(task, reason);
                outbox.Publish(new NodeDown(node.Id, node.Name, node.LastHeartbeatAt));
                logger.LogWarning("Node {NodeName} ({NodeId}) is Down: last heartbeat at {LastHeartbeatAt}; {Count} tasks to place again",
                    node.Name, node.Id, node.LastHeartbeatAt, lost.Count);
            }
        }, cancellationToken);
    }
}
