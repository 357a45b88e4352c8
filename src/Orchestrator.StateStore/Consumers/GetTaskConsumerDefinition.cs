using Microsoft.Extensions.Options;

namespace Orchestrator.StateStore.Consumers;

public sealed class GetTaskConsumerDefinition(IOptions<ConsumerOptions> options)
    : ApiRequestConsumerDefinition<GetTaskConsumer>(options);
