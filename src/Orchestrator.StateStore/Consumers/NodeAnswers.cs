using MassTransit;
using Orchestrator.Contracts;
using Orchestrator.StateStore.Persistence;
using Orchestrator.StateStore.Persistence.Queries;

namespace Orchestrator.StateStore.Consumers;

/// <summary>The answer to a node command: the node as it now is, or that there is no such node.</summary>
internal static class NodeAnswers
{
    public static async Task RespondAsync(ConsumeContext context, Guid nodeId, bool found)
    {
        var node = found
            ? await context.GetServiceOrCreateInstance<OrchestratorDbContext>().FindNodeAsync(nodeId, context.CancellationToken)
            : null;
        if (node is null)
            await context.RespondAsync(new NodeNotFound(nodeId));
        else
            await context.RespondAsync(node);
    }
}
