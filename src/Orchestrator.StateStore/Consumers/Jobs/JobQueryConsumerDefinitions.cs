using Microsoft.Extensions.Options;

namespace Orchestrator.StateStore.Consumers.Jobs;

public sealed class GetJobConsumerDefinition(IOptions<ConsumerOptions> options)
    : ApiRequestConsumerDefinition<GetJobConsumer>(options);

public sealed class ListJobsConsumerDefinition(IOptions<ConsumerOptions> options)
    : ApiRequestConsumerDefinition<ListJobsConsumer>(options);

public sealed class GetJobRevisionsConsumerDefinition(IOptions<ConsumerOptions> options)
    : ApiRequestConsumerDefinition<GetJobRevisionsConsumer>(options);
