namespace Orchestrator.Contracts;

/// <summary>Api to StateStore: keep <paramref name="Count"/> tasks of the job. Answered with <see cref="JobDetails"/> or <see cref="JobNotFound"/>.</summary>
public sealed record ScaleJob(string Name, int Count);
