using Orchestrator.Domain.Jobs;
using Orchestrator.Domain.Tasks;

namespace Orchestrator.Domain.Tests.Jobs;

public sealed class PeriodicScheduleTests
{
    private static readonly DateTimeOffset Noon = new(2026, 12, 5, 12, 0, 30, TimeSpan.Zero);

    [Fact]
    public void No_run_is_due_before_the_schedule_comes()
    {
        var schedule = PeriodicSchedule.Parse("* * * * *", null);
        Assert.Null(schedule.DueRun(Noon, Noon.AddSeconds(20)));
        Assert.Equal(new DateTimeOffset(2026, 12, 5, 12, 1, 0, TimeSpan.Zero), schedule.NextAfter(Noon));
    }

    [Fact]
    public void Runs_missed_while_the_control_plane_was_down_come_to_one_the_latest()
    {
        var schedule = PeriodicSchedule.Parse("*/5 * * * *", null);
        var due = schedule.DueRun(Noon, Noon.AddHours(3).AddMinutes(7));
        Assert.Equal(new DateTimeOffset(2026, 12, 5, 15, 5, 0, TimeSpan.Zero), due);
    }

    [Fact]
    public void A_rare_schedule_missed_long_ago_is_still_found()
    {
        var schedule = PeriodicSchedule.Parse("0 3 1 * *", null);
        Assert.Equal(new DateTimeOffset(2027, 2, 1, 3, 0, 0, TimeSpan.Zero), schedule.DueRun(Noon, new DateTimeOffset(2027, 2, 20, 0, 0, 0, TimeSpan.Zero)));
    }

    [Fact]
    public void Six_fields_have_seconds_first()
    {
        var schedule = PeriodicSchedule.Parse("*/10 * * * * *", null);
        Assert.Equal(Noon.AddSeconds(10), schedule.NextAfter(Noon));
    }

    [Fact]
    public void A_time_zone_keeps_a_run_at_its_local_hour()
    {
        var schedule = PeriodicSchedule.Parse("0 2 * * *", "Europe/Berlin");
        // 02:00 in Berlin is 01:00 UTC in winter.
        Assert.Equal(new DateTimeOffset(2026, 12, 6, 1, 0, 0, TimeSpan.Zero), schedule.NextAfter(Noon)!.Value.ToUniversalTime());
    }

    [Theory]
    [InlineData("61 * * * *", null)]
    [InlineData("every day", null)]
    [InlineData("* * * * *", "Mars/Olympus_Mons")]
    public void What_cannot_be_read_says_why(string expression, string? zone)
    {
        Assert.Null(PeriodicSchedule.TryParse(expression, zone, out var error));
        Assert.False(string.IsNullOrEmpty(error));
    }
}

public sealed class PeriodicJobValidatorTests
{
    private static readonly TaskSpec Backup = new() { Image = "busybox:1.36" };

    [Fact]
    public void A_periodic_job_is_a_batch_job_with_a_schedule()
    {
        var spec = new JobSpec { Type = JobType.Batch, Schedule = "@daily", TimeZone = "Europe/Berlin", Overlap = OverlapPolicy.Replace, KeepRuns = 3, Task = Backup };
        Assert.Empty(JobValidator.Validate("backup", spec));
        Assert.Equal(["schedule"], JobValidator.Validate("backup", spec with { Type = JobType.Service }).Keys);
    }

    [Fact]
    public void Each_bad_schedule_field_is_named()
    {
        var spec = new JobSpec { Type = JobType.Batch, Schedule = "* * *", TimeZone = "Nowhere/Town", Overlap = (OverlapPolicy)9, KeepRuns = 0, Task = Backup };
        Assert.Equal(["keepRuns", "overlap", "schedule", "timeZone"], JobValidator.Validate("backup", spec).Keys.Order());
    }

    [Fact]
    public void The_schedules_companions_need_a_schedule()
    {
        var spec = new JobSpec { Type = JobType.Batch, TimeZone = "UTC", Overlap = OverlapPolicy.Allow, KeepRuns = 2, Task = Backup };
        Assert.Equal(["keepRuns", "overlap", "timeZone"], JobValidator.Validate("backup", spec).Keys.Order());
    }

    [Fact]
    public void A_periodic_jobs_name_leaves_room_for_its_runs_names()
    {
        var spec = new JobSpec { Type = JobType.Batch, Schedule = "@hourly", Task = Backup };
        Assert.Empty(JobValidator.Validate(new string('b', JobValidator.MaxPeriodicNameLength), spec));
        Assert.Equal(["name"], JobValidator.Validate(new string('b', JobValidator.MaxPeriodicNameLength + 1), spec).Keys);
        Assert.True(JobValidator.IsName(new string('b', JobValidator.MaxPeriodicNameLength) + "-" + "1733400000"));
    }
}
