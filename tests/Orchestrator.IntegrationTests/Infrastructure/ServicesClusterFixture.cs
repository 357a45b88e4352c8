using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Orchestrator.Testing;
using Yarp.ReverseProxy.Configuration;

namespace Orchestrator.IntegrationTests.Infrastructure;

/// <summary>
/// Two agents that advertise loopback, so that the gateway's traffic to the instances stays on this machine, and a
/// gateway in-process that follows the Api's catalog with the read-only key.
/// </summary>
public sealed class ServicesClusterFixture : ClusterFixtureBase
{
    private WebApplication? _gateway;

    protected override IReadOnlyList<string> AgentNames { get; } = ["svc-a", "svc-b"];

    protected override IDictionary<string, string?> AgentSettings(string name) => new Dictionary<string, string?>
    {
        ["Agent:Address"] = "127.0.0.1",
    };

    /// <summary>Where the gateway listens, on loopback.</summary>
    public Uri GatewayAddress => new(_gateway!.Urls.First());

    /// <summary>The destinations the gateway sends a route's requests to now, by id (task name, task id, port).</summary>
    public IReadOnlyCollection<string> GatewayDestinations(string routeKey)
    {
        var config = _gateway!.Services.GetRequiredService<InMemoryConfigProvider>().GetConfig();
        return config.Clusters.FirstOrDefault(c => c.ClusterId == routeKey)?.Destinations?.Keys.ToList() ?? [];
    }

    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        var settings = new Dictionary<string, string?>(Configuration)
        {
            ["Gateway:Api"] = Api.BaseAddress!.ToString(),
            ["Gateway:ApiKey"] = ReadOnlyApiKey,
        };
        _gateway = InProcessServices.Gateway(settings, ServiceHosts.Settings);
        await _gateway.StartAsync();
    }

    public override async Task DisposeAsync()
    {
        if (_gateway is not null)
            await _gateway.DisposeAsync();
        await base.DisposeAsync();
    }
}

[CollectionDefinition(Name)]
public sealed class ServicesClusterCollection : ICollectionFixture<ServicesClusterFixture>
{
    public const string Name = "services cluster";
}
