namespace Orchestrator.Domain.Nodes;

public enum NodeStatus
{
    /// <summary>Heartbeating, and open to new tasks.</summary>
    Ready,

    /// <summary>Heartbeating, but its tasks are moving elsewhere and nothing new is placed there.</summary>
    Draining,

    /// <summary>Silent for longer than its TTL; its tasks have been placed elsewhere.</summary>
    Down,
}
