using Orchestrator.Domain.Tasks;

namespace Orchestrator.Domain.Tests.Tasks;

public sealed class HealthTrackerTests
{
    [Fact]
    public void Health_is_Unknown_until_the_first_probe() =>
        Assert.Equal(HealthStatus.Unknown, new HealthTracker(new HealthCheck()).Status);

    [Fact]
    public void Only_threshold_failures_in_a_row_make_it_Unhealthy()
    {
        var tracker = new HealthTracker(new HealthCheck { FailureThreshold = 3 });
        Assert.True(tracker.Record(true, "200"));
        Assert.False(tracker.Record(false, "404"));
        Assert.False(tracker.Record(false, "404"));
        Assert.Equal(HealthStatus.Healthy, tracker.Status);
        Assert.True(tracker.Record(false, "404"));
        Assert.Equal(HealthStatus.Unhealthy, tracker.Status);
        Assert.Equal("404", tracker.LastResult);
    }

    [Fact]
    public void A_success_clears_the_failure_count()
    {
        var tracker = new HealthTracker(new HealthCheck { FailureThreshold = 2 });
        tracker.Record(false, "refused");
        tracker.Record(true, "200");
        tracker.Record(false, "refused");
        Assert.Equal(1, tracker.ConsecutiveFailures);
        Assert.Equal(HealthStatus.Healthy, tracker.Status);
    }
}
