using Microsoft.Extensions.Options;

namespace Orchestrator.StateStore.Consumers;

public sealed class MarkNodeReadyConsumerDefinition(IOptions<ConsumerOptions> options)
    : ApiRequestConsumerDefinition<MarkNodeReadyConsumer>(options);
