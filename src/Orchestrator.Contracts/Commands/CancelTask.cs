namespace Orchestrator.Contracts;

/// <summary>Api to StateStore: the user wants this task stopped. Answered with <see cref="TaskDetails"/> or <see cref="TaskNotFound"/>.</summary>
public sealed record CancelTask(Guid TaskId);
