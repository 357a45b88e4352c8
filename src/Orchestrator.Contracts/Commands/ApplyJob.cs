using Orchestrator.Domain.Jobs;

namespace Orchestrator.Contracts;

/// <summary>
/// Api to StateStore: create the job, or change its count and task. A changed task is a new revision, rolled out
/// one task at a time. Answered with <see cref="JobApplied"/>, or <see cref="SubmissionRefused"/> while the cluster
/// takes no new tasks.
/// </summary>
public sealed record ApplyJob(string Name, JobSpec Spec);

public sealed record JobApplied(bool Created, JobDetails Job);
