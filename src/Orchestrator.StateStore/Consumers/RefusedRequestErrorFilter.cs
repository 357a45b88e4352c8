using MassTransit;
using MassTransit.Middleware;
using Orchestrator.Contracts;

namespace Orchestrator.StateStore.Consumers;

/// <summary>
/// The end of an Api request endpoint's error pipe. A request refused for what it asks
/// (<see cref="IdempotencyKeyReusedException"/>) has had its fault sent to the requester by then, and is dropped:
/// there is nothing in it to repair or replay. Anything else goes to the error queue, as MassTransit would send it.
/// </summary>
public sealed class RefusedRequestErrorFilter : IFilter<ExceptionReceiveContext>
{
    private readonly IFilter<ExceptionReceiveContext> _errorQueue = new ErrorTransportFilter();

    public Task Send(ExceptionReceiveContext context, IPipe<ExceptionReceiveContext> next) =>
        Refused(context.Exception) ? next.Send(context) : _errorQueue.Send(context, next);

    public static bool Refused(Exception exception) => exception is IdempotencyKeyReusedException;

    public void Probe(ProbeContext context) => context.CreateFilterScope("refused-request");
}
