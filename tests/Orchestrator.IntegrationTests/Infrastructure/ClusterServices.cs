using MassTransit;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Orchestrator.Testing;

namespace Orchestrator.IntegrationTests.Infrastructure;

/// <summary>
/// The services of one test cluster, in-process and built as each Program.cs builds them (<see cref="ServiceHosts"/>):
/// the control plane (StateStore, the schedulers, the Api) and the agents, by name.
/// </summary>
public sealed class ClusterServices(IDictionary<string, string?> configuration) : IAsyncDisposable
{
    private readonly List<IHost> _controlPlane = [];
    private readonly Dictionary<string, IHost> _agents = [];
    private WebApplication? _api;

    /// <summary>Where the Api listens: a port of its own at each start.</summary>
    public Uri ApiAddress => new(_api!.Urls.First());

    /// <summary>The names of the agents that run.</summary>
    public IReadOnlyList<string> AgentNames => _agents.Keys.ToList();

    public async Task StartControlPlaneAsync(int schedulers)
    {
        await StartAsync(InProcessServices.StateStore(configuration, ServiceHosts.Settings));
        for (var i = 0; i < schedulers; i++)
            await StartAsync(InProcessServices.Scheduler(configuration, ServiceHosts.Settings));
        _api = InProcessServices.Api(configuration, ServiceHosts.Settings);
        await _api.StartAsync();
    }

    public async Task StopControlPlaneAsync()
    {
        await _api!.StopAsync();
        await _api.DisposeAsync();
        _api = null;
        await StopHostsAsync();
    }

    /// <summary>Starts an agent with these settings (its name, data path and the rest), as <paramref name="name"/>.</summary>
    public async Task<IServiceProvider> StartAgentAsync(string name, IDictionary<string, string?> settings)
    {
        var agent = InProcessServices.WorkerAgent(settings, ServiceHosts.Settings);
        await agent.StartAsync();
        _agents[name] = agent;
        return agent.Services;
    }

    public IServiceProvider AgentServices(string name) => _agents[name].Services;

    public async Task StopAgentAsync(string name)
    {
        var agent = _agents[name];
        _agents.Remove(name);
        await agent.StopAsync();
        agent.Dispose();
    }

    /// <summary>A request client on the Api's bus.</summary>
    public IRequestClient<T> RequestClient<T>() where T : class =>
        _api!.Services.GetRequiredService<IClientFactory>().CreateRequestClient<T>();

    private async Task StartAsync(IHost host)
    {
        _controlPlane.Add(host);
        await host.StartAsync();
    }

    private async Task StopHostsAsync()
    {
        foreach (var host in Enumerable.Reverse(_controlPlane))
        {
            await host.StopAsync();
            host.Dispose();
        }
        _controlPlane.Clear();
    }

    public async ValueTask DisposeAsync()
    {
        if (_api is not null)
            await _api.DisposeAsync();
        foreach (var name in _agents.Keys.ToList())
            await StopAgentAsync(name);
        await StopHostsAsync();
    }
}
