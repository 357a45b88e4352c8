namespace Microsoft.Extensions.Hosting;

/// <summary>
/// A send to the broker that may take at most a given time. After a broker node is lost, RabbitMQ's .NET client can
/// leave a send waiting forever on a channel it has disposed, deaf to its cancellation (the fault matrix found one
/// holding the outbox's command shards for minutes). Where a send that never returns stops more than itself (a batch
/// holding locks, the heartbeat loop), it goes through here: cancelled at the bound, and also left behind, so the
/// caller moves on whether or not the send ever ends. A send left behind that completes later has still sent its
/// message, which at-least-once consumers absorb.
/// </summary>
public static class BoundedSend
{
    /// <summary>
    /// Runs <paramref name="send"/> with a token that is cancelled after <paramref name="timeout"/>, and throws a
    /// <see cref="TimeoutException"/> naming <paramref name="what"/> if it has not ended by then. A cancelled
    /// <paramref name="cancellationToken"/> ends the wait with an <see cref="OperationCanceledException"/>, as usual.
    /// </summary>
    public static async Task WithinAsync(Func<CancellationToken, Task> send, TimeSpan timeout, string what, CancellationToken cancellationToken)
    {
        using var bound = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        bound.CancelAfter(timeout);
        try
        {
            await send(bound.Token).WaitAsync(timeout, cancellationToken);
        }
        catch (Exception error) when (error is TimeoutException or OperationCanceledException && !cancellationToken.IsCancellationRequested)
        {
            // The wait and the token's own timer are two timers: the send is told to stop before it is left behind.
            await bound.CancelAsync();
            throw new TimeoutException($"{what} took longer than {timeout}.", error);
        }
    }
}
