using System.Text.Json.Serialization;
using Orchestrator.Domain.Tasks;

namespace Orchestrator.Domain.Jobs;

/// <summary>
/// What a user asks the cluster to run: the body of <c>PUT /api/jobs/{name}</c>. A service job keeps
/// <see cref="Count"/> tasks of <see cref="Task"/> alive, replacing any that end, and rolls them over one at a time
/// when the task changes. A batch job runs tasks until <see cref="Completions"/> of them have ended with exit 0,
/// <see cref="Parallelism"/> at a time, retrying failures up to <see cref="MaxRetries"/>. The tasks are named after
/// the job (<c>web-1</c>, <c>web-2</c>, ...).
/// </summary>
[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Disallow)]
public sealed record JobSpec
{
    public const int DefaultCount = 1;
    public const int DefaultCompletions = 1;
    public const int DefaultParallelism = 1;
    public const int DefaultMaxRetries = 3;
    public const int DefaultKeepRuns = 5;

    public JobType Type { get; init; } = JobType.Service;

    /// <summary>How many tasks to keep alive; 0 keeps the job with none. Omitted: 1 for a new job, unchanged for an existing one.</summary>
    public int? Count { get; init; }

    /// <summary>The spec of every task; its name, if given, must be the job's.</summary>
    public TaskSpec? Task { get; init; }

    /// <summary>
    /// The job's groups, as the seed defines a job: each a name, a task spec and a count, scaled and rolled out on its
    /// own; instead of <see cref="Task"/> and <see cref="Count"/>, which are the shorthand for a job of one group.
    /// </summary>
    public IReadOnlyList<JobGroup>? Groups { get; init; }

    /// <summary>The job that runs one group of this one: everything of this job, with the group's task and count.</summary>
    public JobSpec ForGroup(JobGroup group) => this with { Groups = null, Task = group.Task, Count = group.Count };

    /// <summary>The name of the job that runs <paramref name="group"/> of job <paramref name="job"/>; its tasks are named after it.</summary>
    public static string GroupJobName(string job, string group) => $"{job}-{group}";

    /// <summary>A service job: how a new revision rolls out (<see cref="UpdatePolicy"/>); the defaults when omitted.</summary>
    public UpdatePolicy? Update { get; init; }

    /// <summary>A batch job: how many tasks must end with exit 0 (default 1).</summary>
    public int? Completions { get; init; }

    /// <summary>A batch job: how many of its tasks may run at once (default 1).</summary>
    public int? Parallelism { get; init; }

    /// <summary>A batch job: how many failed tasks it retries before it fails (default 3).</summary>
    public int? MaxRetries { get; init; }

    /// <summary>
    /// A batch job that runs on a schedule (a periodic job): a cron expression (<see cref="PeriodicSchedule"/>). Each
    /// run is a batch job of its own, named after this one and the run's time.
    /// </summary>
    public string? Schedule { get; init; }

    /// <summary>A periodic job: the IANA time zone its schedule is read in (default UTC).</summary>
    public string? TimeZone { get; init; }

    /// <summary>A periodic job: what a run due while the last one still runs does (default skip).</summary>
    public OverlapPolicy? Overlap { get; init; }

    /// <summary>A periodic job: how many finished runs it keeps (default 5); older ones are deleted, their tasks kept.</summary>
    public int? KeepRuns { get; init; }

    [JsonIgnore]
    public bool IsPeriodic => Schedule is not null;

    /// <summary>
    /// The datacenters the job's tasks are placed in; any when unset or empty. The same as <c>task.datacenters</c>, which
    /// may say it instead: either way it is part of the tasks' spec, so a change of datacenters is a new revision.
    /// </summary>
    public IReadOnlyList<string>? Datacenters { get; init; }

    /// <summary>The spec of the job's tasks: <see cref="Task"/> named <paramref name="name"/>, with the job's datacenters.</summary>
    public TaskSpec TaskSpecFor(string name)
    {
        var datacenters = Datacenters ?? Task!.Datacenters;
        // An empty list means what none does, and is stored as none, so that saying one or the other is no new revision.
        return Task! with { Name = name, Datacenters = datacenters is { Count: > 0 } ? datacenters : null };
    }

    /// <summary>Whether the job and its task each list datacenters, and not the same ones.</summary>
    [JsonIgnore]
    public bool HasConflictingDatacenters =>
        Datacenters is not null && Task?.Datacenters is { } task && !Datacenters.SequenceEqual(task, StringComparer.Ordinal);

    [JsonIgnore]
    public int CountOrDefault => Count ?? DefaultCount;

    [JsonIgnore]
    public int CompletionsOrDefault => Completions ?? DefaultCompletions;

    [JsonIgnore]
    public int ParallelismOrDefault => Parallelism ?? DefaultParallelism;

    [JsonIgnore]
    public int MaxRetriesOrDefault => MaxRetries ?? DefaultMaxRetries;
}

/// <summary>The body of <c>PUT /api/jobs/{name}/scale</c>.</summary>
[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Disallow)]
public sealed record JobScale
{
    public int? Count { get; init; }
}

/// <summary>One group of a job: the tasks <c>JOB-GROUP-1</c>, <c>JOB-GROUP-2</c>, ... of one spec.</summary>
[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Disallow)]
public sealed record JobGroup
{
    public string Name { get; init; } = "";

    /// <summary>How many tasks the group keeps alive, as a job's count.</summary>
    public int? Count { get; init; }

    public TaskSpec? Task { get; init; }
}

/// <summary>The body of <c>POST /api/jobs/{name}/revert</c>.</summary>
[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Disallow)]
public sealed record JobRevert
{
    public int? Revision { get; init; }
}
