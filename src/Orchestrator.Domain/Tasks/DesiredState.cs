namespace Orchestrator.Domain.Tasks;

/// <summary>What the user asked for, kept apart from what the agent saw (Nomad's DesiredStatus).</summary>
public enum DesiredState
{
    Running,
    Stopped,
}
