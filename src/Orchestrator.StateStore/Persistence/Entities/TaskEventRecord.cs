using Orchestrator.Domain.Tasks;

namespace Orchestrator.StateStore.Persistence.Entities;

/// <summary>One change of a task's state, in the manner of Cube's TaskEvent: what, when, why and where.</summary>
public sealed class TaskEventRecord
{
    public long Id { get; init; }
    public Guid TaskId { get; init; }
    public TaskState State { get; init; }
    public required string Reason { get; init; }
    public Guid? NodeId { get; init; }
    public long? ExitCode { get; init; }
    public DateTimeOffset At { get; init; }
}
