namespace Orchestrator.Contracts;

/// <summary>Answered with <see cref="JobList"/>: every job by name, each with its tasks.</summary>
public sealed record ListJobs;

public sealed record JobList(IReadOnlyList<JobDetails> Jobs);
