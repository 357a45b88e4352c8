using Microsoft.Extensions.Options;

namespace Orchestrator.StateStore.Consumers;

public sealed class GetTaskEventsConsumerDefinition(IOptions<ConsumerOptions> options)
    : ApiRequestConsumerDefinition<GetTaskEventsConsumer>(options);
