using Microsoft.Extensions.Options;

namespace Orchestrator.StateStore.Consumers;

/// <summary>Submissions, <see cref="ConsumerOptions.SubmitTaskConcurrency"/> at once.</summary>
public sealed class SubmitTaskConsumerDefinition(IOptions<ConsumerOptions> options)
    : ApiRequestConsumerDefinition<SubmitTaskConsumer>(options.Value.SubmitTaskConcurrency);
