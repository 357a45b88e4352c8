using Microsoft.Extensions.Options;

namespace Orchestrator.StateStore.Consumers.Jobs;

public sealed class ExistingJobConsumerDefinition(IOptions<ConsumerOptions> options)
    : ApiRequestConsumerDefinition<ExistingJobConsumer>(options);
