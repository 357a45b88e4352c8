namespace Orchestrator.Contracts;

public sealed record TaskList(IReadOnlyList<TaskDetails> Tasks);
