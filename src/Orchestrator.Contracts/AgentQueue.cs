using Orchestrator.Domain.Nodes;

namespace Orchestrator.Contracts;

/// <summary>Commands for a node's agent go to its own queue, named after the node (<see cref="AgentIdentity"/>).</summary>
public static class AgentQueue
{
    public static string Name(Guid nodeId) => AgentIdentity.Of(nodeId);
}
