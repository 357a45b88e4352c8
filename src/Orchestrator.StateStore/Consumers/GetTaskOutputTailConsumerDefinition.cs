using Microsoft.Extensions.Options;

namespace Orchestrator.StateStore.Consumers;

public sealed class GetTaskOutputTailConsumerDefinition(IOptions<ConsumerOptions> options)
    : ApiRequestConsumerDefinition<GetTaskOutputTailConsumer>(options);
