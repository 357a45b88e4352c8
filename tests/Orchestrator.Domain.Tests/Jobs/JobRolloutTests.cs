using Orchestrator.Domain.Jobs;

namespace Orchestrator.Domain.Tests.Jobs;

public sealed class JobRolloutTests
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 26, 12, 0, 0, TimeSpan.Zero);
    private int _created;

    private JobTask Task(int revision, bool running) => new(Guid.NewGuid(), revision, running, T0.AddSeconds(_created++));

    [Fact]
    public void A_new_job_starts_all_its_tasks_at_once()
    {
        var plan = JobRollout.Plan(count: 3, revision: 1, live: []);
        Assert.Equal(3, plan.Start);
        Assert.Empty(plan.Stop);
    }

    [Fact]
    public void A_job_with_what_it_wants_does_nothing_whether_or_not_its_tasks_run_yet()
    {
        Assert.True(JobRollout.Plan(2, 1, [Task(1, true), Task(1, false)]).IsEmpty);
    }

    [Fact]
    public void A_task_that_ended_is_replaced()
    {
        // The ended task is no longer live; two remain of three.
        var plan = JobRollout.Plan(3, 1, [Task(1, true), Task(1, true)]);
        Assert.Equal(1, plan.Start);
        Assert.Empty(plan.Stop);
    }

    [Fact]
    public void Scaling_down_stops_the_tasks_not_running_first_then_the_newest()
    {
        var oldRunning = Task(1, true);
        var pending = Task(1, false);
        var newRunning = Task(1, true);
        var plan = JobRollout.Plan(1, 1, [oldRunning, pending, newRunning]);
        Assert.Equal(0, plan.Start);
        Assert.Equal([pending.Id, newRunning.Id], plan.Stop);
    }

    [Fact]
    public void Scaling_to_zero_stops_everything_of_every_revision()
    {
        var tasks = new[] { Task(1, true), Task(2, true), Task(2, false) };
        var plan = JobRollout.Plan(0, 2, tasks);
        Assert.Equal(0, plan.Start);
        Assert.Equal(tasks.Select(t => t.Id).Order(), plan.Stop.Order());
    }

    [Fact]
    public void A_rollout_first_starts_one_task_above_the_count_and_stops_nothing()
    {
        var plan = JobRollout.Plan(3, 2, [Task(1, true), Task(1, true), Task(1, true)]);
        Assert.Equal(1, plan.Start);
        Assert.Empty(plan.Stop);
    }

    [Fact]
    public void A_rollout_waits_while_its_new_task_is_not_running()
    {
        Assert.True(JobRollout.Plan(3, 2, [Task(1, true), Task(1, true), Task(1, true), Task(2, false)]).IsEmpty);
    }

    [Fact]
    public void Once_the_new_task_runs_the_oldest_old_task_is_stopped_and_the_next_new_one_started()
    {
        var oldest = Task(1, true);
        var plan = JobRollout.Plan(3, 2, [oldest, Task(1, true), Task(1, true), Task(2, true)]);
        Assert.Equal([oldest.Id], plan.Stop);
        Assert.Equal(1, plan.Start);
    }

    [Fact]
    public void A_rollout_run_to_its_end_leaves_count_tasks_of_the_new_revision_and_never_fewer_running_than_wanted()
    {
        // Simulated: each pass applies the plan, and a started task runs by the next pass.
        const int count = 4;
        var live = Enumerable.Range(0, count).Select(_ => Task(1, true)).ToList();
        var passes = 0;
        while (true)
        {
            live = live.Select(t => t with { Running = true }).ToList();
            var plan = JobRollout.Plan(count, 2, live);
            if (plan.IsEmpty)
                break;
            live.RemoveAll(t => plan.Stop.Contains(t.Id));
            Assert.True(live.Count(t => t.Running) >= count, $"pass {passes}: {live.Count(t => t.Running)} running");
            live.AddRange(Enumerable.Range(0, plan.Start).Select(_ => Task(2, false)));
            Assert.True(++passes <= count + 1, "the rollout does not end");
        }
        Assert.Equal(count, live.Count);
        Assert.All(live, t => Assert.Equal(2, t.Revision));
    }

    [Fact]
    public void Old_tasks_that_are_not_running_are_replaced_at_once()
    {
        var stuck = Task(1, false);
        var plan = JobRollout.Plan(2, 2, [stuck, Task(1, true)]);
        Assert.Equal([stuck.Id], plan.Stop);
        Assert.Equal(2, plan.Start);
    }

    [Fact]
    public void A_new_revision_that_never_runs_leaves_the_old_tasks_serving()
    {
        var plan = JobRollout.Plan(2, 2, [Task(1, true), Task(1, true), Task(2, false)]);
        Assert.True(plan.IsEmpty);
    }

    [Fact]
    public void Scaling_down_during_a_rollout_stops_old_tasks_before_new_ones()
    {
        var old1 = Task(1, true);
        var old2 = Task(1, true);
        var plan = JobRollout.Plan(1, 2, [old1, old2, Task(2, true)]);
        Assert.Equal([old1.Id, old2.Id], plan.Stop);
        Assert.Equal(0, plan.Start);
    }

    [Fact]
    public void A_stop_first_rollout_stops_one_old_task_and_starts_nothing_above_the_count()
    {
        var oldest = Task(1, true);
        var plan = JobRollout.Plan(3, 2, [oldest, Task(1, true), Task(1, true)], RolloutOrder.StopFirst);
        Assert.Equal([oldest.Id], plan.Stop);
        Assert.Equal(1, plan.Start);
    }

    [Fact]
    public void A_stop_first_rollout_stops_no_more_while_a_task_it_wants_is_missing_or_starting()
    {
        // The stopped task's replacement has not started yet: two live of three.
        Assert.True(JobRollout.Plan(3, 2, [Task(1, true), Task(1, true)], RolloutOrder.StopFirst) is { Stop.Count: 0, Start: 1 });
        // Its replacement is starting.
        Assert.True(JobRollout.Plan(3, 2, [Task(1, true), Task(1, true), Task(2, false)], RolloutOrder.StopFirst).IsEmpty);
    }

    [Fact]
    public void A_stop_first_rollout_run_to_its_end_never_has_more_tasks_than_the_count()
    {
        // Simulated: each pass applies the plan, and a started task runs by the next pass.
        const int count = 3;
        var live = Enumerable.Range(0, count).Select(_ => Task(1, true)).ToList();
        var passes = 0;
        while (true)
        {
            live = live.Select(t => t with { Running = true }).ToList();
            var plan = JobRollout.Plan(count, 2, live, RolloutOrder.StopFirst);
            if (plan.IsEmpty)
                break;
            live.RemoveAll(t => plan.Stop.Contains(t.Id));
            live.AddRange(Enumerable.Range(0, plan.Start).Select(_ => Task(2, false)));
            Assert.True(live.Count <= count, $"pass {passes}: {live.Count} live");
            Assert.True(++passes <= 2 * count, "the rollout does not end");
        }
        Assert.Equal(count, live.Count);
        Assert.All(live, t => Assert.Equal(2, t.Revision));
    }

    [Fact]
    public void Scaling_down_stops_the_highest_slots_among_the_running()
    {
        var slot1 = new JobTask(Guid.NewGuid(), 1, true, T0.AddSeconds(9), Slot: 1);
        var slot2 = new JobTask(Guid.NewGuid(), 1, true, T0, Slot: 2);
        var slot3 = new JobTask(Guid.NewGuid(), 1, true, T0.AddSeconds(1), Slot: 3);
        Assert.Equal([slot3.Id, slot2.Id], JobRollout.Plan(1, 1, [slot1, slot2, slot3]).Stop);
    }

    [Fact]
    public void New_tasks_take_the_lowest_slots_not_held()
    {
        Assert.Equal([1, 2, 3], JobRollout.FreeSlots(3, []));
        Assert.Equal([2, 4], JobRollout.FreeSlots(2, [1, 3, 5]));
        Assert.Empty(JobRollout.FreeSlots(0, [1]));
    }

    [Theory]
    [InlineData(0, 0)]
    [InlineData(1, 0)]
    [InlineData(2, 10)]
    [InlineData(3, 20)]
    [InlineData(5, 80)]
    [InlineData(7, 300)]
    [InlineData(1000, 300)]
    public void Failed_tasks_slow_their_replacement_down_doubling_to_five_minutes(int failures, int seconds)
    {
        Assert.Equal(TimeSpan.FromSeconds(seconds), JobRollout.ReplacementDelay(failures));
    }
}

public sealed class JobRolloutParallelAndCanaryTests
{
    private static readonly DateTimeOffset T0 = new(2026, 12, 5, 12, 0, 0, TimeSpan.Zero);
    private int _created;

    private JobTask Task(int revision, bool running) => new(Guid.NewGuid(), revision, running, T0.AddSeconds(_created++));

    [Fact]
    public void Max_parallel_starts_that_many_new_tasks_above_the_count_at_once()
    {
        var plan = JobRollout.Plan(4, 2, [Task(1, true), Task(1, true), Task(1, true), Task(1, true)], maxParallel: 2);
        Assert.Equal(2, plan.Start);
        Assert.Empty(plan.Stop);
    }

    [Fact]
    public void Max_parallel_stop_first_stops_that_many_old_tasks_at_once()
    {
        var plan = JobRollout.Plan(3, 2, [Task(1, true), Task(1, true), Task(1, true)], RolloutOrder.StopFirst, maxParallel: 2);
        // Their replacements wait for the slots (JobRollout.FreeSlots), which the stopping tasks hold until they end.
        Assert.Equal((2, 2), (plan.Stop.Count, plan.Start));
    }

    [Fact]
    public void Canaries_run_beside_the_old_tasks_and_stop_none_until_promoted()
    {
        var old = new[] { Task(1, true), Task(1, true), Task(1, true) };
        var first = JobRollout.Plan(3, 2, old, canaries: 1);
        Assert.Equal((1, 0), (first.Start, first.Stop.Count));
        Assert.True(JobRollout.Plan(3, 2, [.. old, Task(2, true)], canaries: 1).IsEmpty);

        // Promoted: the rollout goes on as any other, the canary counting as one of the new tasks.
        var promoted = JobRollout.Plan(3, 2, [.. old, Task(2, true)]);
        Assert.Single(promoted.Stop);
    }
}
