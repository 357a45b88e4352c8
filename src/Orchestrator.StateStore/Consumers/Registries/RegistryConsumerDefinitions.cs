using Microsoft.Extensions.Options;

namespace Orchestrator.StateStore.Consumers.Registries;

public sealed class SetRegistryCredentialsConsumerDefinition(IOptions<ConsumerOptions> options)
    : ApiRequestConsumerDefinition<SetRegistryCredentialsConsumer>(options);

public sealed class ListRegistriesConsumerDefinition(IOptions<ConsumerOptions> options)
    : ApiRequestConsumerDefinition<ListRegistriesConsumer>(options);

public sealed class DeleteRegistryCredentialsConsumerDefinition(IOptions<ConsumerOptions> options)
    : ApiRequestConsumerDefinition<DeleteRegistryCredentialsConsumer>(options);

/// <summary>An agent waits on this before it pulls a task's image, as the Api waits on its requests.</summary>
public sealed class GetPullCredentialsConsumerDefinition(IOptions<ConsumerOptions> options)
    : ApiRequestConsumerDefinition<GetPullCredentialsConsumer>(options);
