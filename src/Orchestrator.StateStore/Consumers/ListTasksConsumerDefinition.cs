using Microsoft.Extensions.Options;

namespace Orchestrator.StateStore.Consumers;

public sealed class ListTasksConsumerDefinition(IOptions<ConsumerOptions> options)
    : ApiRequestConsumerDefinition<ListTasksConsumer>(options);
