using Microsoft.Extensions.Time.Testing;
using Orchestrator.StateStore.Liveness;

namespace Orchestrator.StateStore.Tests;

/// <summary>How far behind StateStore is in the heartbeat queue; pure, no cluster.</summary>
public sealed class HeartbeatBacklogTests
{
    private readonly FakeTimeProvider _clock = new(new DateTimeOffset(2026, 11, 25, 12, 0, 0, TimeSpan.Zero));

    [Fact]
    public void Before_any_heartbeat_the_backlog_is_the_time_since_StateStore_started()
    {
        var backlog = new HeartbeatBacklog(_clock);
        _clock.Advance(TimeSpan.FromSeconds(40));

        Assert.Equal(TimeSpan.FromSeconds(40), backlog.Current);
    }

    [Fact]
    public void Heartbeats_recorded_as_soon_as_sent_keep_the_backlog_at_zero()
    {
        var backlog = new HeartbeatBacklog(_clock);
        _clock.Advance(TimeSpan.FromSeconds(5));

        backlog.Recorded(_clock.GetUtcNow());

        Assert.Equal(TimeSpan.Zero, backlog.Current);
    }

    [Fact]
    public void A_backed_up_queue_shows_as_the_age_of_the_newest_heartbeat_recorded()
    {
        var backlog = new HeartbeatBacklog(_clock);
        _clock.Advance(TimeSpan.FromMinutes(1));
        var now = _clock.GetUtcNow();

        backlog.Recorded(now - TimeSpan.FromSeconds(30));
        backlog.Recorded(now - TimeSpan.FromSeconds(20));
        backlog.Recorded(now - TimeSpan.FromSeconds(25)); // out of order: the newest counts

        Assert.Equal(TimeSpan.FromSeconds(20), backlog.Current);
    }

    [Fact]
    public void An_agent_clock_ahead_of_StateStore_cannot_make_it_negative()
    {
        var backlog = new HeartbeatBacklog(_clock);

        backlog.Recorded(_clock.GetUtcNow() + TimeSpan.FromMinutes(5));

        Assert.Equal(TimeSpan.Zero, backlog.Current);
    }
}
