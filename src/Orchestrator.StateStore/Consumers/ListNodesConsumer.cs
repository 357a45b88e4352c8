using MassTransit;
using Microsoft.EntityFrameworkCore;
using Orchestrator.Contracts;
using Orchestrator.StateStore.Persistence;
using Orchestrator.StateStore.Persistence.Queries;

namespace Orchestrator.StateStore.Consumers;

public sealed class ListNodesConsumer(OrchestratorDbContext db) : IConsumer<ListNodes>
{
    public async Task Consume(ConsumeContext<ListNodes> context)
    {
        var nodes = await db.Nodes.AsNoTracking().ToDictionaryAsync(n => n.Id, context.CancellationToken);
        var snapshots = await db.LoadSnapshotsAsync(onlyNodes: null, context.CancellationToken);
        var details = snapshots.Where(s => nodes.ContainsKey(s.Id)).Select(s => nodes[s.Id].ToDetails(s)).ToList();
        await context.RespondAsync(new NodeList(details));
    }
}
