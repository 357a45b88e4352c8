using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Time.Testing;

namespace Orchestrator.ServiceDefaults.Tests;

/// <summary>How <see cref="SendProgress"/> measures a stalled bus, and when <see cref="StalledBus"/> restarts one.</summary>
public sealed class StalledBusTests
{
    private static readonly TimeSpan Limit = TimeSpan.FromSeconds(30);
    private readonly FakeTimeProvider _clock = new();

    [Fact]
    public void A_bus_that_sends_nothing_or_whose_sends_end_well_is_not_stalled()
    {
        var progress = new SendProgress(_clock);
        Assert.Equal(TimeSpan.Zero, progress.StalledFor());

        var send = new object();
        progress.Began(send);
        _clock.Advance(TimeSpan.FromSeconds(2));
        progress.Succeeded(send);
        _clock.Advance(TimeSpan.FromMinutes(5));

        Assert.Equal(TimeSpan.Zero, progress.StalledFor());
    }

    [Fact]
    public void A_send_that_never_ends_stalls_the_bus_from_when_it_began()
    {
        var progress = new SendProgress(_clock);
        progress.Began(new object());
        _clock.Advance(TimeSpan.FromSeconds(40));

        Assert.Equal(TimeSpan.FromSeconds(40), progress.StalledFor());
    }

    [Fact]
    public void A_send_that_ends_well_clears_those_that_began_before_it_and_never_ended()
    {
        var progress = new SendProgress(_clock);
        progress.Began(new object());
        _clock.Advance(TimeSpan.FromSeconds(10));
        var later = new object();
        progress.Began(later);
        _clock.Advance(TimeSpan.FromSeconds(1));
        progress.Began(new object());
        progress.Succeeded(later);
        _clock.Advance(TimeSpan.FromSeconds(4));

        // The one that began after the success is still under way, for 4 s.
        Assert.Equal(TimeSpan.FromSeconds(4), progress.StalledFor());
    }

    [Fact]
    public void Failures_stall_the_bus_from_the_first_until_a_send_ends_well()
    {
        var progress = new SendProgress(_clock);
        var failed = new object();
        progress.Began(failed);
        progress.Failed(failed);
        _clock.Advance(TimeSpan.FromSeconds(20));
        var again = new object();
        progress.Began(again);
        progress.Failed(again);
        _clock.Advance(TimeSpan.FromSeconds(15));
        Assert.Equal(TimeSpan.FromSeconds(35), progress.StalledFor());

        var succeeded = new object();
        progress.Began(succeeded);
        progress.Succeeded(succeeded);

        Assert.Equal(TimeSpan.Zero, progress.StalledFor());
    }

    [Theory]
    [InlineData(40, 30, true)]
    [InlineData(40, 29, false)] // the broker came back 29 s ago: MassTransit may still be reconnecting
    [InlineData(29, 60, false)] // a quorum queue may still be electing its leader
    [InlineData(600, 0, false)] // the broker is down: waiting is all there is to do
    public void A_bus_is_restarted_only_when_stalled_and_the_broker_reachable_for_the_limit(int stalled, int reachable, bool restart)
    {
        Assert.Equal(restart, StalledBus.MustRestart(TimeSpan.FromSeconds(stalled), TimeSpan.FromSeconds(reachable), Limit));
    }

    [Fact]
    public void A_zero_limit_never_restarts()
    {
        Assert.False(StalledBus.MustRestart(TimeSpan.FromHours(1), TimeSpan.FromHours(1), TimeSpan.Zero));
    }
}
