using MassTransit;

namespace Orchestrator.Api.Extensions;

/// <summary>
/// The queue StateStore's answers come back on (MassTransit's bus endpoint), and whether it is consuming yet.
/// <para>
/// MassTransit starts that endpoint lazily, on the first request, and a request made before it consumes blocks
/// its thread (a synchronous wait inside the request client) until it does. Under a burst of requests each one
/// blocks a thread-pool thread, the pool adds threads about one a second, and the continuations that would start
/// the endpoint queue behind them: a freshly started Api taking 40 POSTs a second stalled for a minute, and every
/// other part of the process with it (1,000-node bench, session 9). So this starts the endpoint with the Api,
/// and <see cref="ReplyEndpointFilter"/> makes a request wait for it without holding a thread. If the endpoint
/// stops or faults (the broker restarted), requests wait again until it is back or their deadline passes.
/// </para>
/// </summary>
public sealed class ReplyEndpoint(IBusControl bus, ILogger<ReplyEndpoint> logger) : IHostedService, IReceiveEndpointObserver
{
    private TaskCompletionSource _consuming = NewSignal();
    private ConnectHandle? _observer;
    private ConnectHandle? _keepConsuming;

    /// <summary>Completes when the endpoint consumes, at once if it already does.</summary>
    public Task WhenConsumingAsync(CancellationToken cancellationToken) =>
        Volatile.Read(ref _consuming).Task.WaitAsync(cancellationToken);

    public bool IsConsuming => Volatile.Read(ref _consuming).Task.IsCompleted;

    public Task StartAsync(CancellationToken cancellationToken)
    {
        _observer = bus.ConnectReceiveEndpointObserver(this);
        // A request pipe for an id nobody answers is what a request client connects; it makes the endpoint start.
        // The connect waits synchronously once the bus runs, so it is left to a pool thread of its own.
        _ = Task.Run(() =>
        {
            _keepConsuming = bus.ConnectRequestPipe(Guid.NewGuid(), Pipe.Empty<ConsumeContext<KeepConsuming>>());
            // Had the bus started the endpoint before this observer was connected (a host that registers the bus
            // first), its Ready would have been missed; the connect returns once it has started, so look.
            if (HasStarted())
                Volatile.Read(ref _consuming).TrySetResult();
        }, CancellationToken.None);
        return Task.CompletedTask;
    }

    /// <summary>Whether the bus reports its reply endpoint started, as MassTransit's own wait judges it.</summary>
    public bool HasStarted() =>
        bus.CheckHealth().Endpoints.Values.Any(endpoint =>
            endpoint.ReceiveEndpoint is { } receive && IsReplyEndpoint(receive.InputAddress) && receive.Started.IsCompletedSuccessfully);

    public Task StopAsync(CancellationToken cancellationToken)
    {
        _keepConsuming?.Disconnect();
        _observer?.Disconnect();
        return Task.CompletedTask;
    }

    Task IReceiveEndpointObserver.Ready(ReceiveEndpointReady ready)
    {
        if (ready.IsStarted && IsReplyEndpoint(ready.InputAddress) && Volatile.Read(ref _consuming).TrySetResult())
            logger.LogDebug("The reply endpoint {Address} is consuming", ready.InputAddress);
        return Task.CompletedTask;
    }

    // Stopping and Completed come with the Api's own shutdown; a fault (the broker went away) is worth a warning.
    Task IReceiveEndpointObserver.Stopping(ReceiveEndpointStopping stopping) => Stopped(stopping.InputAddress, LogLevel.Debug);

    Task IReceiveEndpointObserver.Completed(ReceiveEndpointCompleted completed) => Stopped(completed.InputAddress, LogLevel.Debug);

    Task IReceiveEndpointObserver.Faulted(ReceiveEndpointFaulted faulted) => Stopped(faulted.InputAddress, LogLevel.Warning);

    private Task Stopped(Uri address, LogLevel level)
    {
        var consuming = Volatile.Read(ref _consuming);
        if (IsReplyEndpoint(address) && consuming.Task.IsCompleted
            && Interlocked.CompareExchange(ref _consuming, NewSignal(), consuming) == consuming)
            logger.Log(level, "The reply endpoint {Address} stopped consuming; requests wait for it", address);
        return Task.CompletedTask;
    }

    private bool IsReplyEndpoint(Uri address) => address == bus.Address;

    private static TaskCompletionSource NewSignal() => new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>The message type of the pipe that keeps the endpoint started; no such message is ever sent.</summary>
    private sealed record KeepConsuming;
}

/// <summary>Holds each request under /api, without a thread, until <see cref="ReplyEndpoint"/> consumes.</summary>
internal sealed class ReplyEndpointFilter(ReplyEndpoint replies) : IEndpointFilter
{
    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        if (!replies.IsConsuming)
            await replies.WhenConsumingAsync(context.HttpContext.RequestAborted);
        return await next(context);
    }
}
