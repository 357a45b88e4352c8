namespace Orchestrator.Contracts;

/// <summary>Answered with <see cref="TaskEventList"/> or <see cref="TaskNotFound"/>.</summary>
public sealed record GetTaskEvents(Guid TaskId);
