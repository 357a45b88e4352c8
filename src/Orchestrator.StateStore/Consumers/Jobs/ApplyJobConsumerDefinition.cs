using Microsoft.Extensions.Options;

namespace Orchestrator.StateStore.Consumers.Jobs;

public sealed class ApplyJobConsumerDefinition(IOptions<ConsumerOptions> options)
    : ApiRequestConsumerDefinition<ApplyJobConsumer>(options);
