using Orchestrator.Domain.Jobs;
using Orchestrator.Domain.Tasks;

namespace Orchestrator.Contracts;

/// <summary>A job as a user sees it: what it wants, and the tasks it has now.</summary>
public sealed record JobDetails
{
    public required string Name { get; init; }

    public JobType Type { get; init; }

    /// <summary>Running, until a batch job is Complete or Failed.</summary>
    public JobStatus Status { get; init; }

    /// <summary>How many tasks a service job keeps alive; 0 for a batch job.</summary>
    public required int Count { get; init; }

    /// <summary>A batch job's settings; null for a service job.</summary>
    public int? Completions { get; init; }
    public int? Parallelism { get; init; }
    public int? MaxRetries { get; init; }

    /// <summary>A batch job's tasks of the current revision that ended with exit 0, and those that failed.</summary>
    public int? Succeeded { get; init; }
    public int? Retries { get; init; }

    /// <summary>When a batch job became Complete or Failed.</summary>
    public DateTimeOffset? FinishedAt { get; init; }

    /// <summary>A periodic job's schedule, time zone, overlap policy and kept runs; null for other jobs.</summary>
    public string? Schedule { get; init; }
    public string? TimeZone { get; init; }
    public OverlapPolicy? Overlap { get; init; }
    public int? KeepRuns { get; init; }

    /// <summary>A periodic job: the time of its latest run started or skipped, and when the next is due.</summary>
    public DateTimeOffset? LastRunAt { get; init; }
    public DateTimeOffset? NextRunAt { get; init; }

    /// <summary>A periodic job's runs, newest first, when the answer is about that one job.</summary>
    public IReadOnlyList<JobRunDetails>? Runs { get; init; }

    /// <summary>A job of groups: each group as the job that runs it (<c>JOB-GROUP</c>), when the answer is about that one job.</summary>
    public IReadOnlyList<JobDetails>? Groups { get; init; }

    /// <summary>A run of a periodic job, or a group of a job of groups: that job's name; a run's time it was due.</summary>
    public string? Parent { get; init; }
    public DateTimeOffset? ScheduledAt { get; init; }

    /// <summary>Goes up by one each time the task spec changes; each task records the revision it was started from.</summary>
    public required int Revision { get; init; }

    public required TaskSpec Task { get; init; }

    /// <summary>A service job's rollout settings, as given; the defaults when null.</summary>
    public UpdatePolicy? Update { get; init; }

    /// <summary>The latest revision that fully rolled out.</summary>
    public int? StableRevision { get; init; }

    /// <summary>How many canaries of the current revision run and wait for a promote; 0 when none do.</summary>
    public int CanariesWaiting { get; init; }

    /// <summary>Set when the current revision failed, and the job starts none of its tasks until its spec changes.</summary>
    public int? FailedRevision { get; init; }

    /// <summary>Why the latest rollout failed, and what was done: e.g. "...; reverted to revision 2".</summary>
    public string? RolloutFailure { get; init; }

    /// <summary>Tasks of the current revision that are Running, and healthy if the task has a health check.</summary>
    public required int Running { get; init; }

    /// <summary>Why the job is not where it wants to be, when StateStore knows, e.g. waiting after failures.</summary>
    public string? Message { get; init; }

    /// <summary>Set while the job starts no task because its tasks keep failing: when it will start them again.</summary>
    public DateTimeOffset? HeldBackUntil { get; init; }

    public required DateTimeOffset CreatedAt { get; init; }
    public required DateTimeOffset UpdatedAt { get; init; }

    /// <summary>The job's tasks that have not finished, including those being stopped, oldest first.</summary>
    public required IReadOnlyList<JobTaskDetails> Tasks { get; init; }
}

/// <summary>One run of a periodic job, in brief; <c>GET /api/jobs/{name}</c> of the run has the rest.</summary>
public sealed record JobRunDetails(string Name, JobStatus Status, DateTimeOffset ScheduledAt, DateTimeOffset? FinishedAt, string? Message);

/// <summary>One of a job's tasks, in brief; <c>GET /api/tasks/{id}</c> has the rest.</summary>
/// <param name="Slot">Its place in the job (web-2 is slot 2), which its replacement takes over.</param>
public sealed record JobTaskDetails(
    Guid Id, string Name, TaskState State, DesiredState DesiredState, int Revision, Guid? NodeId, string? Message, int? Slot = null);
