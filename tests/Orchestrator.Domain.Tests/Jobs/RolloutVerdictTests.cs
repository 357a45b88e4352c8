using Orchestrator.Domain.Jobs;

namespace Orchestrator.Domain.Tests.Jobs;

public sealed class RolloutVerdictTests
{
    private static readonly DateTimeOffset T0 = new(2026, 12, 5, 12, 0, 0, TimeSpan.Zero);
    private static readonly UpdatePolicy Policy = new() { ProgressDeadlineSeconds = 60, MinHealthySeconds = 10 };

    [Fact]
    public void A_revision_whose_containers_have_not_started_is_not_judged_however_long_its_pull_takes()
    {
        Assert.Null(RolloutVerdict.Failure(3, Policy, [new RevisionTask(null, null, null)], 1, T0.AddHours(1), null));
    }

    [Fact]
    public void A_new_task_that_never_serves_within_the_deadline_fails_the_revision_naming_the_health_check()
    {
        var task = new RevisionTask(T0, null, null);
        Assert.Null(RolloutVerdict.Failure(3, Policy, [task], 1, T0.AddSeconds(60), "health check: HTTP 500"));
        Assert.Equal("revision 3 failed: 0 of 1 new tasks healthy after 61 s (health check: HTTP 500)",
            RolloutVerdict.Failure(3, Policy, [task], 1, T0.AddSeconds(61), "health check: HTTP 500"));
    }

    [Fact]
    public void A_task_that_failed_before_it_ran_starts_the_clock()
    {
        Assert.NotNull(RolloutVerdict.Failure(2, Policy, [new RevisionTask(null, T0, null)], 1, T0.AddSeconds(61), null));
    }

    [Fact]
    public void Each_new_task_that_serves_long_enough_is_progress_that_starts_the_clock_again()
    {
        var serving = new RevisionTask(T0, null, T0.AddSeconds(50));
        var stuck = new RevisionTask(T0.AddSeconds(55), null, null);
        // The first serves from 50 s, counted from 60 s: the deadline runs to 120 s.
        Assert.Null(RolloutVerdict.Failure(2, Policy, [serving, stuck], 2, T0.AddSeconds(119), null));
        Assert.StartsWith("revision 2 failed: 1 of 2 new tasks healthy", RolloutVerdict.Failure(2, Policy, [serving, stuck], 2, T0.AddSeconds(121), null));
    }

    [Fact]
    public void A_revision_serving_what_it_wants_has_not_failed()
    {
        var tasks = new[] { new RevisionTask(T0, null, T0.AddSeconds(1)), new RevisionTask(T0, null, T0.AddSeconds(2)) };
        Assert.Null(RolloutVerdict.Failure(2, Policy, tasks, 2, T0.AddHours(1), null));
    }

    [Fact]
    public void A_task_serves_only_once_it_has_for_min_healthy_seconds()
    {
        var task = new RevisionTask(T0, null, T0.AddSeconds(5));
        Assert.Equal(0, RolloutVerdict.Serving(Policy, [task], T0.AddSeconds(14)));
        Assert.Equal(1, RolloutVerdict.Serving(Policy, [task], T0.AddSeconds(15)));
    }
}
