using Orchestrator.Domain.Jobs;

namespace Orchestrator.Domain.Tests.Jobs;

public sealed class BatchRunTests
{
    private static BatchTask Task(int slot, BatchOutcome outcome) => new(Guid.NewGuid(), slot, outcome);

    [Fact]
    public void A_new_batch_job_starts_its_lowest_slots_up_to_its_parallelism()
    {
        var plan = BatchRun.Plan(completions: 3, parallelism: 2, maxRetries: 3, []);
        Assert.Equal([1, 2], plan.Start);
        Assert.Equal(JobStatus.Running, plan.Status);
    }

    [Fact]
    public void A_slot_that_succeeded_is_done_and_the_next_undone_slot_takes_its_place()
    {
        var plan = BatchRun.Plan(3, 2, 3, [Task(1, BatchOutcome.Succeeded), Task(2, BatchOutcome.Live)]);
        Assert.Equal([3], plan.Start);
        Assert.Equal(1, plan.Succeeded);
    }

    [Fact]
    public void A_failed_slot_runs_again_and_counts_as_a_retry()
    {
        var plan = BatchRun.Plan(3, 2, 3, [Task(1, BatchOutcome.Failed), Task(2, BatchOutcome.Live)]);
        Assert.Equal([1], plan.Start);
        Assert.Equal(1, plan.Retries);
        Assert.Equal(JobStatus.Running, plan.Status);
    }

    [Fact]
    public void A_task_a_user_stopped_is_no_retry_and_its_slot_runs_again()
    {
        var plan = BatchRun.Plan(1, 1, 0, [Task(1, BatchOutcome.Stopped)]);
        Assert.Equal([1], plan.Start);
        Assert.Equal(0, plan.Retries);
        Assert.Equal(JobStatus.Running, plan.Status);
    }

    [Fact]
    public void Every_slot_succeeded_makes_the_job_complete_whatever_failed_before()
    {
        var plan = BatchRun.Plan(3, 2, 3,
            [Task(1, BatchOutcome.Succeeded), Task(2, BatchOutcome.Failed), Task(2, BatchOutcome.Succeeded), Task(3, BatchOutcome.Succeeded)]);
        Assert.Equal(JobStatus.Complete, plan.Status);
        Assert.Empty(plan.Start);
        Assert.Equal((3, 1), (plan.Succeeded, plan.Retries));
    }

    [Fact]
    public void One_failure_more_than_max_retries_fails_the_job_and_stops_what_still_runs()
    {
        var live = Task(3, BatchOutcome.Live);
        var plan = BatchRun.Plan(3, 2, 1, [Task(1, BatchOutcome.Failed), Task(1, BatchOutcome.Failed), live]);
        Assert.Equal(JobStatus.Failed, plan.Status);
        Assert.Empty(plan.Start);
        Assert.Equal([live.Id], plan.Stop);
    }

    [Fact]
    public void As_many_failures_as_max_retries_still_retry()
    {
        var plan = BatchRun.Plan(1, 1, 2, [Task(1, BatchOutcome.Failed), Task(1, BatchOutcome.Failed)]);
        Assert.Equal(JobStatus.Running, plan.Status);
        Assert.Equal([1], plan.Start);
    }

    [Fact]
    public void Live_tasks_at_the_parallelism_start_nothing_more()
    {
        var plan = BatchRun.Plan(5, 2, 3, [Task(1, BatchOutcome.Live), Task(2, BatchOutcome.Live)]);
        Assert.Empty(plan.Start);
    }

    [Fact]
    public void A_lowered_completions_counts_only_the_slots_it_still_has()
    {
        var plan = BatchRun.Plan(1, 1, 3, [Task(2, BatchOutcome.Succeeded)]);
        Assert.Equal(JobStatus.Running, plan.Status);
        Assert.Equal([1], plan.Start);
        Assert.Equal(0, plan.Succeeded);
    }
}
