using MassTransit;
using Microsoft.Extensions.Options;
using Orchestrator.Contracts;
using Orchestrator.StateStore.Persistence;
using Orchestrator.StateStore.Services;

namespace Orchestrator.StateStore.Consumers;

public sealed class GetServiceCatalogConsumer(OrchestratorDbContext db) : IConsumer<GetServiceCatalog>
{
    public async Task Consume(ConsumeContext<GetServiceCatalog> context) =>
        await context.RespondAsync(await ServiceCatalogQueries.ReadAsync(db, context.CancellationToken));
}

public sealed class GetServiceCatalogConsumerDefinition(IOptions<ConsumerOptions> options)
    : ApiRequestConsumerDefinition<GetServiceCatalogConsumer>(options);

public sealed class GetCatalogIndexConsumer(OrchestratorDbContext db) : IConsumer<GetCatalogIndex>
{
    public async Task Consume(ConsumeContext<GetCatalogIndex> context) =>
        await context.RespondAsync(new CatalogIndex(await ServiceCatalogQueries.IndexAsync(db, context.CancellationToken)));
}

public sealed class GetCatalogIndexConsumerDefinition(IOptions<ConsumerOptions> options)
    : ApiRequestConsumerDefinition<GetCatalogIndexConsumer>(options);
