namespace Orchestrator.Contracts;

/// <summary>One placement of a task, as commands to agents and their reports name it.</summary>
public sealed record TaskAttempt(Guid TaskId, int Attempt);
