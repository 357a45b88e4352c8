using Orchestrator.Domain.Jobs;
using Orchestrator.Domain.Tasks;
using Orchestrator.StateStore.Persistence.Entities;

namespace Orchestrator.StateStore.Tests;

public sealed class JobRecordTests
{
    private static readonly DateTimeOffset Now = new(2026, 12, 5, 12, 0, 0, TimeSpan.Zero);
    private static readonly TaskSpec Report = new() { Image = "busybox:1.36", Command = ["true"] };

    private static JobSpec Batch(int completions = 3) =>
        new() { Type = JobType.Batch, Completions = completions, Parallelism = 2, Task = Report };

    [Fact]
    public void A_batch_jobs_tasks_restart_never_unless_they_say_so_so_failures_come_back_to_the_job()
    {
        var job = JobRecord.Create("report", Batch(), Now);
        Assert.Equal(RestartMode.Never, job.Spec.RestartPolicyOrDefault.Mode);
        Assert.Equal((0, 3, 2, 3), (job.Count, job.Completions, job.Parallelism, job.MaxRetries));

        var own = JobRecord.Create("report", Batch() with { Task = Report with { RestartPolicy = new RestartPolicy { Mode = RestartMode.OnFailure } } }, Now);
        Assert.Equal(RestartMode.OnFailure, own.Spec.RestartPolicyOrDefault.Mode);
    }

    [Fact]
    public void A_finished_batch_job_runs_again_when_its_settings_change_and_not_when_the_same_spec_comes_back()
    {
        var job = JobRecord.Create("report", Batch(), Now);
        job.NoteBatch(new BatchPlan([], JobStatus.Complete, 3, 1), Now, lastFailure: null);
        Assert.True(job.HasEnded);
        Assert.Equal("complete: 3 of 3 tasks succeeded after 1 retry", job.Message);

        job.Apply(Batch(), Now);
        Assert.True(job.HasEnded);
        Assert.Equal(1, job.Revision);

        job.Apply(Batch(completions: 4), Now);
        Assert.False(job.HasEnded);
        Assert.Equal(1, job.Revision);
    }

    [Fact]
    public void A_job_keeps_its_type()
    {
        var job = JobRecord.Create("report", Batch(), Now);
        Assert.Equal("job report is a batch job; delete it before making a service job of that name",
            job.RefusalOf(new JobSpec { Task = Report }));
        Assert.Null(job.RefusalOf(Batch()));
    }

    [Fact]
    public void A_failed_batch_jobs_message_names_its_last_failure_within_the_columns_length()
    {
        var job = JobRecord.Create("report", Batch(), Now);
        job.NoteBatch(new BatchPlan([], JobStatus.Failed, 1, 4), Now, "report-2: " + new string('x', 2000));
        Assert.StartsWith("failed: 4 tasks failed, more than maxRetries 3; the last: report-2: xxx", job.Message);
        Assert.Equal(JobRecord.MaxMessageLength, job.Message!.Length);
        Assert.Equal(Now, job.FinishedAt);
    }
}

public sealed class PeriodicJobRecordTests
{
    private static readonly DateTimeOffset Created = new(2026, 12, 5, 12, 0, 30, TimeSpan.Zero);

    private static JobRecord Backup() => JobRecord.Create("backup", new JobSpec
    {
        Type = JobType.Batch,
        Schedule = "* * * * *",
        Completions = 2,
        Task = new TaskSpec { Image = "busybox:1.36" },
    }, Created);

    [Fact]
    public void A_periodic_jobs_first_run_is_due_at_the_first_occurrence_after_its_creation_and_defaults_to_skip()
    {
        var job = Backup();
        Assert.Equal((OverlapPolicy.Skip, 5), (job.Overlap!.Value, job.KeepRuns!.Value));
        Assert.Null(job.DueRun(Created.AddSeconds(29)));
        Assert.Equal(Created.AddSeconds(30), job.DueRun(Created.AddSeconds(31)));
    }

    [Fact]
    public void A_scheduled_run_is_a_batch_job_named_after_its_time_and_moves_the_schedule_on()
    {
        var job = Backup();
        var due = Created.AddSeconds(30);
        var run = job.StartRun(due, due.AddSeconds(1), scheduled: true);
        Assert.Equal(($"backup-{due.ToUnixTimeSeconds()}", JobType.Batch, "backup", (int?)2), (run.Name, run.Type, run.ParentJob, run.Completions));
        Assert.Equal(run.Name, run.Spec.Name);
        Assert.False(run.IsPeriodic);
        Assert.Null(job.DueRun(due.AddSeconds(59)));
        Assert.Equal(due.AddMinutes(1), job.NextRunAt);
    }

    [Fact]
    public void A_run_asked_for_now_leaves_the_schedule_as_it_was()
    {
        var job = Backup();
        job.StartRun(Created.AddSeconds(5), Created.AddSeconds(5), scheduled: false);
        Assert.Equal(Created.AddSeconds(30), job.NextRunAt);
    }

    [Fact]
    public void A_skipped_run_says_which_run_still_runs_and_is_not_due_again()
    {
        var job = Backup();
        var due = Created.AddSeconds(30);
        job.SkipRun(due, "backup-1 is still running (overlap: skip)", due);
        Assert.Equal($"skipped the run due at {due:u}: backup-1 is still running (overlap: skip)", job.Message);
        Assert.Null(job.DueRun(due.AddSeconds(10)));
    }

    [Fact]
    public void A_batch_job_does_not_become_periodic_in_place()
    {
        var job = JobRecord.Create("report", new JobSpec { Type = JobType.Batch, Task = new TaskSpec { Image = "busybox:1.36" } }, Created);
        Assert.Equal("job report is a batch job; delete it before making a periodic job of that name",
            job.RefusalOf(new JobSpec { Type = JobType.Batch, Schedule = "@daily", Task = new TaskSpec { Image = "busybox:1.36" } }));
    }
}

/// <summary>What a job's spec becomes in its tasks' spec, and when that is a new revision; pure, no database.</summary>
public sealed class JobDatacenterTests
{
    private static readonly DateTimeOffset Now = new(2026, 12, 5, 12, 0, 0, TimeSpan.Zero);
    private static readonly TaskSpec Task = new() { Image = "busybox" };

    [Fact]
    public void A_jobs_datacenters_are_in_its_tasks_spec()
    {
        var job = JobRecord.Create("web", new JobSpec { Task = Task, Datacenters = ["eu-west"] }, Now);

        Assert.Equal(["eu-west"], job.TaskSpecFor(1).Datacenters);
    }

    [Fact]
    public void A_change_of_datacenters_is_a_new_revision_and_the_same_ones_said_on_the_task_are_not()
    {
        var job = JobRecord.Create("web", new JobSpec { Task = Task, Datacenters = ["eu-west"] }, Now);

        job.Apply(new JobSpec { Task = Task with { Datacenters = ["eu-west"] } }, Now);
        Assert.Equal(1, job.Revision);

        job.Apply(new JobSpec { Task = Task, Datacenters = ["eu-west", "eu-central"] }, Now);
        Assert.Equal(2, job.Revision);
        Assert.Equal(["eu-west", "eu-central"], job.Spec.Datacenters);

        job.Apply(new JobSpec { Task = Task, Datacenters = [] }, Now);
        Assert.Equal(3, job.Revision);
        Assert.Null(job.Spec.Datacenters);
        job.Apply(new JobSpec { Task = Task }, Now);
        Assert.Equal(3, job.Revision);
    }
}

public sealed class JobRolloutRecordTests
{
    private static readonly DateTimeOffset Now = new(2026, 12, 5, 12, 0, 0, TimeSpan.Zero);
    private static readonly TaskSpec V1 = new() { Image = "web:1" };

    private static JobRecord Stable(UpdatePolicy? update = null)
    {
        var job = JobRecord.Create("web", new JobSpec { Count = 2, Task = V1, Update = update }, Now);
        job.NoteStable();
        return job;
    }

    [Fact]
    public void A_first_revision_is_not_judged_and_a_change_over_a_stable_one_is()
    {
        var job = JobRecord.Create("web", new JobSpec { Count = 2, Task = V1 }, Now);
        Assert.False(job.AwaitsVerdict);
        job.NoteStable();
        job.Apply(new JobSpec { Task = V1 with { Image = "web:2" } }, Now);
        Assert.True(job.AwaitsVerdict);
    }

    [Fact]
    public void A_revert_brings_the_stable_spec_back_as_a_new_revision_and_says_why()
    {
        var job = Stable(new UpdatePolicy { AutoRevert = true });
        job.Apply(new JobSpec { Task = V1 with { Image = "web:2" }, Update = new UpdatePolicy { AutoRevert = true } }, Now);
        var restored = job.RevertAfter("revision 2 failed: 0 of 2 new tasks healthy after 30 s", Now);
        Assert.Equal((1, 3, 3), (restored, job.Revision, job.StableRevision!.Value));
        Assert.Equal("web:1", job.Spec.Image);
        Assert.Equal("revision 2 failed: 0 of 2 new tasks healthy after 30 s; reverted to revision 1", job.RolloutFailure);
        Assert.False(job.AwaitsVerdict);
    }

    [Fact]
    public void Canaries_wait_for_a_promote_only_in_a_rollout_and_a_promote_with_none_waiting_is_refused()
    {
        var job = Stable(new UpdatePolicy { Canary = 1 });
        Assert.Equal(0, job.CanariesWanted);
        Assert.NotNull(job.Promote(Now));

        job.Apply(new JobSpec { Task = V1 with { Image = "web:2" }, Update = new UpdatePolicy { Canary = 1 } }, Now);
        Assert.Equal(1, job.CanariesWanted);
        Assert.Null(job.Promote(Now));
        Assert.Equal(0, job.CanariesWanted);
    }

    [Fact]
    public void A_canary_above_the_count_is_refused()
    {
        var job = Stable();
        Assert.Equal("update.canary 3 is above job web's count 2", job.RefusalOf(new JobSpec { Task = V1, Update = new UpdatePolicy { Canary = 3 } }));
    }
}
