using MassTransit;
using Orchestrator.Api.Apis;
using Orchestrator.Contracts;

namespace Orchestrator.Api.Security;

/// <summary>
/// Puts the caller of the request being answered (the API key's name and the client's address) on every message the
/// Api sends or publishes for it (a request client with no address publishes its request), for StateStore's audit
/// trail (<see cref="CallerHeaders"/>), with the request's idempotency key and fingerprint when it has a key
/// (<see cref="IdempotentWriteFilter"/>). A scoped filter: MassTransit resolves it from the request's scope, in which
/// the request clients were made. A message sent outside a request carries no caller.
/// </summary>
public sealed class CallerStamp<T>(IHttpContextAccessor http) : IFilter<SendContext<T>>, IFilter<PublishContext<T>> where T : class
{
    public const string Anonymous = "anonymous";

    public Task Send(PublishContext<T> context, IPipe<PublishContext<T>> next)
    {
        Stamp(context);
        return next.Send(context);
    }

    public Task Send(SendContext<T> context, IPipe<SendContext<T>> next)
    {
        Stamp(context);
        return next.Send(context);
    }

    private void Stamp(SendContext context)
    {
        if (http.HttpContext is { } request)
        {
            context.Headers.Set(CallerHeaders.Key, request.User.Identity?.Name ?? Anonymous);
            if (request.Connection.RemoteIpAddress is { } address)
                context.Headers.Set(CallerHeaders.Address, address.ToString());
            if (request.Features.Get<IdempotentRequest>() is { } idempotent)
            {
                context.Headers.Set(CallerHeaders.IdempotencyKey, idempotent.Key);
                context.Headers.Set(CallerHeaders.RequestFingerprint, idempotent.Fingerprint);
            }
        }
    }

    public void Probe(ProbeContext context) => context.CreateFilterScope("caller-stamp");
}

public static class CallerStampExtensions
{
    /// <summary>The Api's part of the bus's configuration: every message sent for a request says whose it is.</summary>
    public static void UseCallerStamp(this IBusFactoryConfigurator bus, IRegistrationContext context)
    {
        bus.UseSendFilter(typeof(CallerStamp<>), context);
        bus.UsePublishFilter(typeof(CallerStamp<>), context);
    }
}
