namespace Orchestrator.Contracts;

/// <summary>Answered with <see cref="JobDetails"/> or <see cref="JobNotFound"/>.</summary>
public sealed record GetJob(string Name);

public sealed record JobNotFound(string Name);
