using MassTransit;
using Microsoft.Extensions.Options;

namespace Orchestrator.StateStore.Consumers;

/// <summary>
/// Heartbeats in batches (<see cref="ConsumerOptions.HeartbeatBatchLimit"/> within
/// <see cref="ConsumerOptions.HeartbeatBatchWindow"/>), one batch at a time. A heartbeat that still fails after its
/// retries (the database is down) is not kept in an error queue: the node's next heartbeat, seconds later, says
/// everything it did.
/// </summary>
public sealed class NodeHeartbeatConsumerDefinition : ConsumerDefinition<NodeHeartbeatConsumer>
{
    private readonly ConsumerOptions _options;

    public NodeHeartbeatConsumerDefinition(IOptions<ConsumerOptions> options)
    {
        _options = options.Value;
        Endpoint(endpoint => endpoint.AddConfigureEndpointCallback((_, receive) => receive.DiscardFaultedMessages()));
    }

    protected override void ConfigureConsumer(
        IReceiveEndpointConfigurator endpointConfigurator, IConsumerConfigurator<NodeHeartbeatConsumer> consumerConfigurator,
        IRegistrationContext context) =>
        consumerConfigurator.Options<BatchOptions>(batch => batch
            .SetMessageLimit(_options.HeartbeatBatchLimit)
            .SetTimeLimit(_options.HeartbeatBatchWindow)
            .SetConcurrencyLimit(1));
}
