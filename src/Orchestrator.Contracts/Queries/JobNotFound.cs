namespace Orchestrator.Contracts;

public sealed record JobNotFound(string Name);
