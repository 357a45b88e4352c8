namespace Orchestrator.Contracts;

/// <summary>
/// StateStore's answer to a <see cref="SubmitTask"/> it did not record because the cluster's backlog is too deep;
/// the caller may try again after <paramref name="RetryAfter"/>.
/// </summary>
public sealed record SubmissionRefused(string Reason, TimeSpan RetryAfter);
