using MassTransit;
using Microsoft.EntityFrameworkCore;
using Orchestrator.Contracts;
using Orchestrator.StateStore.Persistence;
using Orchestrator.StateStore.Persistence.Queries;

namespace Orchestrator.StateStore.Consumers;

/// <summary>The answer to a node command: the node as it now is, or that there is no such node.</summary>
internal static class NodeAnswers
{
    public static async Task RespondAsync(ConsumeContext context, Guid nodeId, bool found)
    {
        if (!found)
        {
            await context.RespondAsync(new NodeNotFound(nodeId));
            return;
        }
        var db = context.GetServiceOrCreateInstance<OrchestratorDbContext>();
        var node = await db.Nodes.AsNoTracking().SingleAsync(n => n.Id == nodeId, context.CancellationToken);
        var snapshot = (await db.LoadSnapshotsAsync([nodeId], context.CancellationToken))[0];
        await context.RespondAsync(node.ToDetails(snapshot));
    }
}
