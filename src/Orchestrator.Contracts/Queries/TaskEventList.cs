using Orchestrator.Domain.Tasks;

namespace Orchestrator.Contracts;

public sealed record TaskEventList(Guid TaskId, IReadOnlyList<TaskEventDetails> Events);

/// <summary>One change of a task's state, as Cube's TaskEvent: the state, when, why, where, and the exit code.</summary>
public sealed record TaskEventDetails(TaskState State, DateTimeOffset At, string Reason, Guid? NodeId, long? ExitCode);
