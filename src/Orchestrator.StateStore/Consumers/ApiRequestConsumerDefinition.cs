using MassTransit;
using MassTransit.Middleware;
using Microsoft.Extensions.Options;

namespace Orchestrator.StateStore.Consumers;

/// <summary>
/// The endpoint of a request the Api waits on: <see cref="ConsumerOptions.ApiRequestConcurrency"/> at once, and as
/// many prefetched. Each consumer of such a request has a definition of its own deriving from this one, beside it.
/// A request refused for what it asks is answered with a fault and not kept (<see cref="RefusedRequestErrorFilter"/>).
/// </summary>
public abstract class ApiRequestConsumerDefinition<TConsumer> : ConsumerDefinition<TConsumer>
    where TConsumer : class, IConsumer
{
    protected ApiRequestConsumerDefinition(IOptions<ConsumerOptions> options)
        : this(options.Value.ApiRequestConcurrency)
    {
    }

    /// <summary>An endpoint that answers <paramref name="concurrency"/> requests at once, and prefetches as many.</summary>
    protected ApiRequestConsumerDefinition(int concurrency)
    {
        Endpoint(endpoint =>
        {
            endpoint.PrefetchCount = concurrency;
            endpoint.ConcurrentMessageLimit = concurrency;
        });
    }

    protected override void ConfigureConsumer(
        IReceiveEndpointConfigurator endpointConfigurator, IConsumerConfigurator<TConsumer> consumerConfigurator, IRegistrationContext context)
    {
        endpointConfigurator.ConfigureError(error =>
        {
            error.UseFilter(new GenerateFaultFilter());
            error.UseFilter(new RefusedRequestErrorFilter());
        });
    }
}
