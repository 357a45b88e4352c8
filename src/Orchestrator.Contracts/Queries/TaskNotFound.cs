namespace Orchestrator.Contracts;

public sealed record TaskNotFound(Guid TaskId);
