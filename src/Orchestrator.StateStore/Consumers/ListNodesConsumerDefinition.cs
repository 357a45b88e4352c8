using Microsoft.Extensions.Options;

namespace Orchestrator.StateStore.Consumers;

public sealed class ListNodesConsumerDefinition(IOptions<ConsumerOptions> options)
    : ApiRequestConsumerDefinition<ListNodesConsumer>(options);
