using Orchestrator.Domain.Tasks;

namespace Orchestrator.Contracts;

/// <summary>One change of a task's state, as Cube's TaskEvent: the state, when, why, where, and the exit code.</summary>
/// <param name="OutputTail">For an exit, the end of the container's output its agent kept (at most 4 KiB); <paramref name="OutputTailCut"/>: earlier output was left out.</param>
/// <param name="Sequence">The event's number, rising in the order events were recorded (not by one): where the next page starts.</param>
/// <param name="Caller">The API key (by its name) whose request made the change; null for what the cluster did by itself.</param>
public sealed record TaskEventDetails(
    TaskState State, DateTimeOffset At, string Reason, Guid? NodeId, long? ExitCode, string? OutputTail = null, bool OutputTailCut = false,
    long Sequence = 0, string? Caller = null);
