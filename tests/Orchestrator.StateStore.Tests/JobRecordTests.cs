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
