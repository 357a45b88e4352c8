using MassTransit;
using Orchestrator.Api.Security;

namespace Orchestrator.Api.Extensions;

/// <summary>
/// The queue StateStore's answers come back on (MassTransit's bus endpoint), started with the Api.
/// <para>
/// MassTransit starts that endpoint lazily, on the first request, and a request made on a running bus before the
/// endpoint has started blocks its thread (a synchronous wait inside the request client) until it has. Under a
/// burst each request blocks a thread-pool thread, the pool adds threads about one a second, and the continuations
/// that would start the endpoint queue behind them: a fresh Api taking 40 POSTs a second stalled for a minute, and
/// every other part of its process with it (as the 1,000-node bench showed). So the Api connects to the endpoint as it
/// starts, and <see cref="ReplyEndpointFilter"/> holds a request, without a thread, while MassTransit would block it.
/// </para>
/// </summary>
public sealed class ReplyEndpoint(IBusControl bus) : IHostedService
{
    private IReceiveEndpoint? _endpoint;
    private ConnectHandle? _keepStarted;
    private Task? _starting;

    public Task StartAsync(CancellationToken cancellationToken)
    {
        // A request pipe for an id nobody answers is what a request client connects, and it starts the endpoint.
        // On a running bus the connect waits synchronously for that, so it gets a pool thread of its own.
        _starting = Task.Run(() => _keepStarted = bus.ConnectRequestPipe(Guid.NewGuid(), Pipe.Empty<ConsumeContext<KeepStarted>>()),
            CancellationToken.None);
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken)
    {
        _keepStarted?.Disconnect();
        return Task.CompletedTask;
    }

    /// <summary>Whether the bus reports its reply endpoint started: MassTransit's own test before it blocks.</summary>
    public bool HasStarted() => Endpoint()?.Started.IsCompletedSuccessfully == true;

    /// <summary>
    /// Completes when a request would not block: at once if the endpoint has started, or if the bus has not (a
    /// bus that is still starting does not block a request either). Unless this Api has connected to the endpoint
    /// (not yet, or the connect failed), nothing else would start it but a request, so none is held.
    /// </summary>
    public async Task WhenStartedAsync(CancellationToken cancellationToken)
    {
        if (_starting is null or { IsFaulted: true } || Endpoint()?.Started is not { IsCompletedSuccessfully: false } started)
            return;
        try
        {
            await started.WaitAsync(cancellationToken);
        }
        catch (Exception) when (!cancellationToken.IsCancellationRequested)
        {
            // The endpoint failed to start: the request's own call meets that failure and reports it.
        }
    }

    /// <summary>The bus's reply endpoint, once the bus lists it among its endpoints.</summary>
    private IReceiveEndpoint? Endpoint() => _endpoint ??= bus.CheckHealth().Endpoints.Values
        .Select(health => health.ReceiveEndpoint)
        .FirstOrDefault(endpoint => endpoint?.InputAddress == bus.Address);

    /// <summary>The message type of the pipe that keeps the endpoint started; no such message is ever sent.</summary>
    private sealed record KeepStarted;
}

/// <summary>Holds each request under /api, without a thread, while the Api's reply endpoint is starting.</summary>
internal sealed class ReplyEndpointFilter(ReplyEndpoint replies) : IEndpointFilter
{
    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        await replies.WhenStartedAsync(context.HttpContext.RequestAborted);
        return await next(context);
    }
}

public static class ReplyEndpointExtensions
{
    /// <summary>
    /// How many of StateStore's answers the Api's reply endpoint takes at once, and prefetches. MassTransit's default
    /// (twice the cores, at most 16) is 4 on two cores: at 300 submissions a second, answers waited their turn there for
    /// half a second after their commits.
    /// </summary>
    public const int Concurrency = 128;

    /// <summary>
    /// The Api's part of the bus's configuration: its answers taken <see cref="Concurrency"/> at a time, and every
    /// message sent for a request stamped with whose it is (<see cref="CallerStamp{T}"/>). The settings are
    /// the bus's defaults, so in a process that also runs consumers (<c>orchestrator serve</c>) they apply to each
    /// endpoint whose definition sets none.
    /// </summary>
    public static void ConfigureApiBus(this IRabbitMqBusFactoryConfigurator bus, IRegistrationContext context)
    {
        bus.PrefetchCount = Concurrency;
        bus.ConcurrentMessageLimit = Concurrency;
        bus.UseCallerStamp(context);
    }
}
