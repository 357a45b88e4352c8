using Orchestrator.Contracts;
using Orchestrator.Domain.Jobs;
using Orchestrator.Domain.Tasks;

namespace Orchestrator.StateStore.Persistence.Entities;

/// <summary>A periodic job's schedule and runs, and a run's link to its job.</summary>
public sealed partial class JobRecord
{
    /// <summary>A periodic job's schedule (<see cref="PeriodicSchedule"/>), its time zone, overlap policy and kept runs.</summary>
    public string? Schedule { get; private set; }
    public string? TimeZone { get; private set; }
    public OverlapPolicy? Overlap { get; private set; }
    public int? KeepRuns { get; private set; }

    /// <summary>A periodic job: the time of the latest run it started or skipped (its creation, before the first).</summary>
    public DateTimeOffset? LastRunAt { get; private set; }

    /// <summary>A run of a periodic job: that job's name, and the time the run was due (or asked for).</summary>
    public string? ParentJob { get; private set; }
    public DateTimeOffset? ScheduledAt { get; private set; }

    public bool IsPeriodic => Schedule is not null;

    /// <summary>Takes a periodic job's schedule; a new schedule counts from now, so it does not fire for times already past.</summary>
    private void SetSchedule(JobSpec spec, DateTimeOffset now)
    {
        if (!spec.IsPeriodic)
            return;
        if (spec.Schedule != Schedule || spec.TimeZone != TimeZone)
            LastRunAt = now;
        (Schedule, TimeZone) = (spec.Schedule, spec.TimeZone);
        Overlap = spec.Overlap ?? OverlapPolicy.Skip;
        KeepRuns = spec.KeepRuns ?? JobSpec.DefaultKeepRuns;
    }

    private PeriodicSchedule? ParsedSchedule => Schedule is null ? null : PeriodicSchedule.Parse(Schedule, TimeZone);

    /// <summary>The run due now, if one is: the latest occurrence of the schedule since the last run.</summary>
    public DateTimeOffset? DueRun(DateTimeOffset now) => ParsedSchedule?.DueRun(LastRunAt ?? CreatedAt, now);

    /// <summary>When the next run is due.</summary>
    public DateTimeOffset? NextRunAt => ParsedSchedule?.NextAfter(LastRunAt ?? CreatedAt);

    /// <summary>
    /// A run of this periodic job, due at <paramref name="due"/>: a batch job of its own, named after this one and the
    /// run's time in Unix seconds, with this job's task and settings. A scheduled run moves <see cref="LastRunAt"/>; a
    /// run asked for by a user does not, so the schedule goes on as before.
    /// </summary>
    public JobRecord StartRun(DateTimeOffset due, DateTimeOffset now, bool scheduled)
    {
        var name = RunName(due);
        if (scheduled)
        {
            LastRunAt = due;
            Message = null;
            UpdatedAt = now;
        }
        return new JobRecord
        {
            Name = name,
            Type = JobType.Batch,
            Spec = Spec with { Name = name },
            Completions = Completions,
            Parallelism = Parallelism,
            MaxRetries = MaxRetries,
            ParentJob = Name,
            ScheduledAt = due,
            CreatedAt = now,
            UpdatedAt = now,
        };
    }

    /// <summary>The name of this periodic job's run due at <paramref name="due"/>.</summary>
    public string RunName(DateTimeOffset due) => $"{Name}-{due.ToUnixTimeSeconds()}";

    /// <summary>The run due at <paramref name="due"/> does not start, <paramref name="because"/>: e.g. the last still runs, and the overlap policy is skip.</summary>
    public void SkipRun(DateTimeOffset due, string because, DateTimeOffset now)
    {
        LastRunAt = due;
        Message = $"skipped the run due at {due:u}: {because}";
        UpdatedAt = now;
    }

    /// <summary>This run is stopped before it finished, e.g. replaced by its job's next run: it ends Failed, saying why.</summary>
    public void Cancel(string why, DateTimeOffset now)
    {
        Status = JobStatus.Failed;
        FinishedAt = now;
        Message = $"stopped: {why}";
        UpdatedAt = now;
    }
}
