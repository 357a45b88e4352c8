namespace Orchestrator.Domain.Nodes;

public enum NodeStatus
{
    Ready,
    Down,
}
