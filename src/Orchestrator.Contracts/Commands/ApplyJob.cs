using Orchestrator.Domain.Jobs;

namespace Orchestrator.Contracts;

/// <summary>
/// Api to StateStore: create the job, or change its count and task. A changed task is a new revision, rolled out
/// one task at a time. Answered with <see cref="JobApplied"/>, <see cref="SubmissionRefused"/> while the cluster
/// takes no new tasks, or <see cref="JobChangeRefused"/> when the job exists with another type.
/// </summary>
public sealed record ApplyJob(string Name, JobSpec Spec);

public sealed record JobApplied(bool Created, JobDetails Job);

/// <summary>
/// The answer to a change a job cannot take, e.g. a new type for an existing job, or a count for a batch job; nothing
/// was changed.
/// </summary>
public sealed record JobChangeRefused(string Name, string Reason);
