using Microsoft.Extensions.Options;

namespace Orchestrator.StateStore.Consumers.Secrets;

public sealed class GetSecretIntakeKeyConsumerDefinition(IOptions<ConsumerOptions> options)
    : ApiRequestConsumerDefinition<GetSecretIntakeKeyConsumer>(options);

public sealed class SetSecretConsumerDefinition(IOptions<ConsumerOptions> options)
    : ApiRequestConsumerDefinition<SetSecretConsumer>(options);

public sealed class ListSecretsConsumerDefinition(IOptions<ConsumerOptions> options)
    : ApiRequestConsumerDefinition<ListSecretsConsumer>(options);

public sealed class DeleteSecretConsumerDefinition(IOptions<ConsumerOptions> options)
    : ApiRequestConsumerDefinition<DeleteSecretConsumer>(options);

/// <summary>An agent waits on this at a task's start, as the Api waits on its requests.</summary>
public sealed class GetTaskSecretsConsumerDefinition(IOptions<ConsumerOptions> options)
    : ApiRequestConsumerDefinition<GetTaskSecretsConsumer>(options);
