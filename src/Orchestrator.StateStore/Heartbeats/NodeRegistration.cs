using Microsoft.EntityFrameworkCore;
using Orchestrator.Contracts;
using Orchestrator.StateStore.Outbox;
using Orchestrator.StateStore.Persistence;
using Orchestrator.StateStore.Persistence.Entities;

namespace Orchestrator.StateStore.Heartbeats;

/// <summary>A node's first heartbeat, or its first since it was marked Down: the node is registered or back in service.</summary>
public sealed class NodeRegistration(OutboxWriter outbox)
{
    public async Task RegisterOrReviveAsync(
        OrchestratorDbContext db, NodeHeartbeat heartbeat, List<UnknownContainer> unknown, DateTimeOffset now, CancellationToken cancellationToken)
    {
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
}
