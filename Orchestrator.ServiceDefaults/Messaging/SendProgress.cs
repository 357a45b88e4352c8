using System.Collections.Concurrent;
using MassTransit;

namespace Microsoft.Extensions.Hosting;

/// <summary>
/// Whether this process's sends to the broker are getting through: the sends under way and when each began, and
/// since when they have been failing. A send that ends well clears the failures and overtakes every send that began
/// before it, whether or not those ever end: the bus has shown it can send since. What is left is how long the bus
/// has been stalled (<see cref="StalledFor"/>), which <see cref="BusWatchdog"/> judges. Both sends and publishes are
/// observed; each costs a dictionary entry, and overtaken ones are dropped on the watchdog's look, not per send.
/// </summary>
public sealed class SendProgress(TimeProvider clock) : ISendObserver, IPublishObserver
{
    private const long NotFailing = long.MaxValue;
    private readonly ConcurrentDictionary<object, long> _underWay = new(ReferenceEqualityComparer.Instance);
    private long _failingSince = NotFailing;
    private long _lastSucceededBegan = long.MinValue;

    /// <summary>How long the bus has been stalled: a send under way, or failing, with none ending well since. Zero when not.</summary>
    public TimeSpan StalledFor()
    {
        var now = clock.GetTimestamp();
        var overtaken = Volatile.Read(ref _lastSucceededBegan);
        var since = Volatile.Read(ref _failingSince);
        foreach (var (send, began) in _underWay)
        {
            if (began <= overtaken)
                _underWay.TryRemove(send, out _);
            else
                since = Math.Min(since, began);
        }
        return since == NotFailing || since >= now ? TimeSpan.Zero : clock.GetElapsedTime(since, now);
    }

    /// <summary>A send or publish has begun; <paramref name="send"/> is its context, by reference.</summary>
    public void Began(object send) => _underWay.TryAdd(send, clock.GetTimestamp());

    /// <summary>A send or publish has ended well.</summary>
    public void Succeeded(object send)
    {
        if (_underWay.TryRemove(send, out var began))
        {
            var last = Volatile.Read(ref _lastSucceededBegan);
            while (began > last && Interlocked.CompareExchange(ref _lastSucceededBegan, began, last) is var seen && seen != last)
                last = seen;
        }
        Volatile.Write(ref _failingSince, NotFailing);
    }

    /// <summary>A send or publish has failed.</summary>
    public void Failed(object send)
    {
        _underWay.TryRemove(send, out _);
        Interlocked.CompareExchange(ref _failingSince, clock.GetTimestamp(), NotFailing);
    }

    public Task PreSend<T>(SendContext<T> context) where T : class => Report(Began, context);

    public Task PostSend<T>(SendContext<T> context) where T : class => Report(Succeeded, context);

    public Task SendFault<T>(SendContext<T> context, Exception exception) where T : class => Report(Failed, context);

    public Task PrePublish<T>(PublishContext<T> context) where T : class => Report(Began, context);

    public Task PostPublish<T>(PublishContext<T> context) where T : class => Report(Succeeded, context);

    public Task PublishFault<T>(PublishContext<T> context, Exception exception) where T : class => Report(Failed, context);

    private static Task Report(Action<object> record, object send)
    {
        record(send);
        return Task.CompletedTask;
    }
}
