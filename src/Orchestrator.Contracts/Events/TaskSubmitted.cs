namespace Orchestrator.Contracts;

public sealed record TaskSubmitted(Guid TaskId);
