using Microsoft.Extensions.Options;

namespace Orchestrator.StateStore.Consumers;

public sealed class ReleaseTaskVolumesConsumerDefinition(IOptions<ConsumerOptions> options)
    : ApiRequestConsumerDefinition<ReleaseTaskVolumesConsumer>(options);
