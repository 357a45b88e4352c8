namespace Orchestrator.StateStore.Liveness;

/// <summary>
/// How far behind this StateStore is in reading the nodes' heartbeats. A node is silent when StateStore has
/// recorded no heartbeat from it for the TTL; but when StateStore itself falls behind (the heartbeat queue backs up
/// under load, the broker restarts, StateStore has just started), heartbeats that were sent on time are still
/// waiting in the queue, and the silence is StateStore's own. So the liveness check extends the TTL by this
/// backlog: the time since the newest heartbeat recorded was sent, or since this instance started if that is later.
/// A dead node among live ones is still noticed, since the live ones keep the backlog near zero; when every node
/// goes quiet at once, none is marked Down, as none could be told apart from StateStore being cut off.
/// </summary>
public sealed class HeartbeatBacklog(TimeProvider clock)
{
    private readonly long _startedTicks = clock.GetUtcNow().UtcTicks;
    private long _newestSentTicks;

    /// <summary>A heartbeat sent at <paramref name="sentAt"/> (the agent's clock) was recorded.</summary>
    public void Recorded(DateTimeOffset sentAt)
    {
        var ticks = sentAt.UtcTicks;
        var seen = Interlocked.Read(ref _newestSentTicks);
        while (ticks > seen)
        {
            var previous = Interlocked.CompareExchange(ref _newestSentTicks, ticks, seen);
            if (previous == seen)
                return;
            seen = previous;
        }
    }

    /// <summary>
    /// Never negative. An agent whose clock runs ahead can only make it smaller, at worst to zero, which leaves
    /// the TTL alone to decide.
    /// </summary>
    public TimeSpan Current
    {
        get
        {
            var since = Math.Max(Interlocked.Read(ref _newestSentTicks), _startedTicks);
            var backlog = clock.GetUtcNow() - new DateTimeOffset(since, TimeSpan.Zero);
            return backlog > TimeSpan.Zero ? backlog : TimeSpan.Zero;
        }
    }
}
