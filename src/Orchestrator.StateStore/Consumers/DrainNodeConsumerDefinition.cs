using Microsoft.Extensions.Options;

namespace Orchestrator.StateStore.Consumers;

public sealed class DrainNodeConsumerDefinition(IOptions<ConsumerOptions> options)
    : ApiRequestConsumerDefinition<DrainNodeConsumer>(options);
