namespace Orchestrator.Contracts;

/// <summary>Commands for a node's agent go to its own queue, named after the node.</summary>
public static class AgentQueue
{
    public static string Name(Guid nodeId) => $"agent-{nodeId:N}";
}
