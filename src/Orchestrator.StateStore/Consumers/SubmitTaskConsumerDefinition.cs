using Microsoft.Extensions.Options;

namespace Orchestrator.StateStore.Consumers;

public sealed class SubmitTaskConsumerDefinition(IOptions<ConsumerOptions> options)
    : ApiRequestConsumerDefinition<SubmitTaskConsumer>(options);
