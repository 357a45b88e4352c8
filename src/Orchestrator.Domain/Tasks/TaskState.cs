namespace Orchestrator.Domain.Tasks;

/// <summary>The observed lifecycle state of a task: Cube's five states.</summary>
public enum TaskState
{
    Pending,
    Scheduled,
    Running,
    Completed,
    Failed,
}
