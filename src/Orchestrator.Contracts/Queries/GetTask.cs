namespace Orchestrator.Contracts;

/// <summary>Answered with <see cref="TaskDetails"/> or <see cref="TaskNotFound"/>.</summary>
public sealed record GetTask(Guid TaskId);
