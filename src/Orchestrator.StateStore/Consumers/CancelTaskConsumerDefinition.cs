using Microsoft.Extensions.Options;

namespace Orchestrator.StateStore.Consumers;

public sealed class CancelTaskConsumerDefinition(IOptions<ConsumerOptions> options)
    : ApiRequestConsumerDefinition<CancelTaskConsumer>(options);
