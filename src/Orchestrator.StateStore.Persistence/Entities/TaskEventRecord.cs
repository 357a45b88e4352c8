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

    /// <summary>
    /// The end of the container's output the agent read at the exit this event records (at most 4 KiB), so the output
    /// outlives the container; null for every other event, and for an exit known only from a heartbeat.
    /// </summary>
    public string? OutputTail { get; init; }

    /// <summary>Earlier output was left out of <see cref="OutputTail"/>.</summary>
    public bool OutputTailCut { get; init; }

    /// <summary>The API key (by its name) whose request made this change; null for what the cluster did by itself.</summary>
    public string? Caller { get; init; }
}
