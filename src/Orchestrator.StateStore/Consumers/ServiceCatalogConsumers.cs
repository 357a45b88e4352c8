using MassTransit;
using Microsoft.Extensions.Options;
using Orchestrator.Contracts;
using Orchestrator.StateStore.Persistence;
using Orchestrator.StateStore.Persistence.Queries;

namespace Orchestrator.StateStore.Consumers;

/// <summary>An agent's question as it starts a task that calls other services.</summary>
public sealed class GetServiceAddressesConsumer(OrchestratorDbContext db) : IConsumer<GetServiceAddresses>
{
    public async Task Consume(ConsumeContext<GetServiceAddresses> context)
    {
        var catalog = await ServiceCatalogQueries.ReadAsync(db, context.CancellationToken);
        var passing = catalog.Instances.Where(i => i.Passing).ToLookup(i => i.Service, StringComparer.Ordinal);
        await context.RespondAsync(new ServiceAddresses(context.Message.Services.Distinct(StringComparer.Ordinal).ToDictionary(
            service => service,
            service => (IReadOnlyList<string>)passing[service].Select(i => ServiceCatalogQueries.Endpoint(i.Address!, i.Port!.Value)).ToList(),
            StringComparer.Ordinal)));
    }
}

/// <summary>An agent waits on this before it starts the task, as the Api waits on its requests.</summary>
public sealed class GetServiceAddressesConsumerDefinition(IOptions<ConsumerOptions> options)
    : ApiRequestConsumerDefinition<GetServiceAddressesConsumer>(options);
