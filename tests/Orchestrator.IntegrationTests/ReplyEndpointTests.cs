using System.Net;
using MassTransit;
using Microsoft.Extensions.DependencyInjection;
using Orchestrator.Api.Extensions;
using Orchestrator.IntegrationTests.Infrastructure;
using Orchestrator.Testing;

namespace Orchestrator.IntegrationTests;

/// <summary>
/// MassTransit starts the queue the Api's answers come back on when a request first needs it, and a request made
/// before then blocks a thread until it consumes; a burst of them starved a fresh Api (<see cref="ReplyEndpoint"/>).
/// </summary>
[Collection(ClusterCollection.Name)]
public sealed class ReplyEndpointTests(ClusterFixture cluster)
{
    [Fact]
    public async Task A_fresh_Api_consumes_its_replies_before_its_first_request()
    {
        await using var api = InProcessServices.Api(new Dictionary<string, string?>(cluster.Configuration), ServiceHosts.Settings);
        await api.StartAsync();
        var replies = api.Services.GetRequiredService<ReplyEndpoint>();

        // Without a request: MassTransit would start the endpoint only for the first one.
        await ClusterFixtureBase.WaitUntilAsync(() => Task.FromResult(replies.HasStarted()));
        var queue = api.Services.GetRequiredService<IBus>().Address.Segments[^1];
        var consumers = await cluster.QueueConsumersAsync(queue);

        Assert.Equal(1, consumers);
        using var client = new HttpClient { BaseAddress = new Uri(api.Urls.First()) };
        client.DefaultRequestHeaders.Authorization = new("Bearer", ClusterFixtureBase.ApiKey);
        using var nodes = await client.GetAsync("/api/nodes");
        Assert.Equal(HttpStatusCode.OK, nodes.StatusCode);
    }
}
