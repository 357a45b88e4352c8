using Orchestrator.Contracts;
using Orchestrator.StateStore.Persistence;
using Orchestrator.StateStore.Persistence.Queries;

namespace Orchestrator.StateStore.Consumers;

/// <summary>The answer to a node command: the node as the command left it.</summary>
internal static class NodeAnswers
{
    /// <summary>
    /// Saves the command's changes (inside its transaction, which has not committed yet) and reads the node back, with
    /// its allocations as they now are.
    /// </summary>
    public static async Task<object> AfterAsync(OrchestratorDbContext db, Guid nodeId, CancellationToken cancellationToken)
    {
        await db.SaveChangesAsync(cancellationToken);
        return (object?)await db.FindNodeAsync(nodeId, cancellationToken) ?? new NodeNotFound(nodeId);
    }
}
