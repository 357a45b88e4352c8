using Orchestrator.Domain.Tasks;

namespace Orchestrator.Domain.Tests.Tasks;

public sealed class RestartDecisionTests
{
    private static readonly TimeSpan Brief = TimeSpan.FromSeconds(3);
    private const double NoJitter = 0.5; // 0.8 + 0.4 × 0.5 = 1.0: the delay exactly as configured

    [Fact]
    public void On_failure_restarts_a_failed_container_with_a_doubling_backoff()
    {
        var policy = new RestartPolicy { Mode = RestartMode.OnFailure, MaxRestarts = 5, BackoffSeconds = 1, MaxBackoffSeconds = 60 };
        var delays = Enumerable.Range(0, 4).Select(n => RestartDecision.Decide(policy, failed: true, n, Brief, NoJitter).Delay.TotalSeconds);
        Assert.Equal([1d, 2d, 4d, 8d], delays);
    }

    [Fact]
    public void The_backoff_is_capped_at_its_maximum()
    {
        var policy = new RestartPolicy { MaxRestarts = 50, BackoffSeconds = 1, MaxBackoffSeconds = 60 };
        Assert.Equal(60d, RestartDecision.Decide(policy, true, 10, Brief, NoJitter).Delay.TotalSeconds);
    }

    [Theory]
    [InlineData(0.0, 0.8)]
    [InlineData(0.999999, 1.2)]
    public void Jitter_spreads_the_delay_over_plus_or_minus_20_percent(double jitter, double factor)
    {
        var delay = RestartDecision.Backoff(new RestartPolicy { BackoffSeconds = 10, MaxBackoffSeconds = 60 }, 0, jitter);
        Assert.Equal(10 * factor, delay.TotalSeconds, 3);
    }

    [Fact]
    public void Past_the_limit_the_task_ends_and_the_reason_says_so()
    {
        var decision = RestartDecision.Decide(new RestartPolicy { MaxRestarts = 3 }, true, 3, Brief, NoJitter);
        Assert.False(decision.Restart);
        Assert.Equal("gave up after 3 restarts", decision.Reason);
    }

    [Fact]
    public void Each_restart_counts_and_names_itself()
    {
        var decision = RestartDecision.Decide(new RestartPolicy { MaxRestarts = 3 }, true, 1, Brief, NoJitter);
        Assert.True(decision.Restart);
        Assert.Equal(2, decision.RestartCount);
        Assert.Equal("restart 2 of 3", decision.Reason);
    }

    [Fact]
    public void On_failure_does_not_restart_a_successful_exit() =>
        Assert.False(RestartDecision.Decide(new RestartPolicy { Mode = RestartMode.OnFailure }, false, 0, Brief, NoJitter).Restart);

    [Fact]
    public void Always_restarts_even_after_exit_0() =>
        Assert.True(RestartDecision.Decide(new RestartPolicy { Mode = RestartMode.Always }, false, 0, Brief, NoJitter).Restart);

    [Fact]
    public void Never_ends_at_the_first_exit() =>
        Assert.False(RestartDecision.Decide(new RestartPolicy { Mode = RestartMode.Never }, true, 0, Brief, NoJitter).Restart);

    [Fact]
    public void Ten_minutes_of_running_resets_the_count()
    {
        var policy = new RestartPolicy { MaxRestarts = 3, BackoffSeconds = 1 };
        var decision = RestartDecision.Decide(policy, true, 3, TimeSpan.FromMinutes(10), NoJitter);
        Assert.True(decision.Restart);
        Assert.Equal(1, decision.RestartCount);
        Assert.Equal(1d, decision.Delay.TotalSeconds);
    }

    [Fact]
    public void The_default_policy_is_on_failure_three_times_from_one_second_to_sixty()
    {
        Assert.Equal(new RestartPolicy { Mode = RestartMode.OnFailure, MaxRestarts = 3, BackoffSeconds = 1, MaxBackoffSeconds = 60 }, RestartPolicy.Default);
        Assert.Equal(RestartPolicy.Default, new TaskSpec().RestartPolicyOrDefault);
    }
}
