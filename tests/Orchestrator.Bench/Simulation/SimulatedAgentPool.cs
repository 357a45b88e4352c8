using MassTransit;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orchestrator.Contracts;
using Orchestrator.WorkerAgent;
using Orchestrator.WorkerAgent.Extensions;
using Orchestrator.WorkerAgent.Host;
using Orchestrator.WorkerAgent.Supervision;

namespace Orchestrator.Bench.Simulation;

/// <summary>
/// Many simulated agents on one bus: one RabbitMQ connection with a receive endpoint per node on the node's own
/// queue (agent-{nodeId}), where the agent's real consumers run. A thousand agents each with a host and bus of
/// its own would be a thousand connections and a thousand hosts' worth of memory for nothing the cluster can see.
/// </summary>
public sealed class SimulatedAgentPool : IAsyncDisposable
{
    private readonly IHost _host;
    private readonly Dictionary<Guid, SimulatedAgent> _agents = [];

    private SimulatedAgentPool(IHost host) => _host = host;

    public IReadOnlyCollection<SimulatedAgent> Agents => _agents.Values;

    /// <summary>Builds and starts a pool whose agents are the given nodes; heartbeats begin with <see cref="StartHeartbeatsAsync"/>.</summary>
    public static async Task<SimulatedAgentPool> StartAsync(
        IDictionary<string, string?> configuration, IReadOnlyList<NodeIdentity> nodes, SimulationSettings settings, CancellationToken cancellationToken)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings
        {
            ApplicationName = "Orchestrator.Bench.SimulatedAgents",
            EnvironmentName = Environments.Production,
            DisableDefaults = true,
        });
        builder.Configuration.AddInMemoryCollection(configuration);
        builder.Logging.AddConfiguration(builder.Configuration.GetSection("Logging")).AddSimpleConsole();
        builder.Services.AddHttpClient(HealthProber.HttpClientName);
        builder.Services.AddSingleton<HealthProber>();

        SimulatedAgentPool? pool = null;
        SimulatedAgent AgentOf(Guid nodeId) => pool!._agents[nodeId];
        builder.AddOrchestratorBus(_ => { }, (_, rabbit) =>
        {
            foreach (var node in nodes)
            {
                rabbit.ReceiveEndpoint(AgentQueue.Name(node.Id), endpoint =>
                {
                    endpoint.PrefetchCount = settings.PrefetchPerAgent;
                    WorkerAgentExtensions.ConfigureNodeQueue(endpoint);
                    endpoint.Consumer(() => AgentOf(node.Id).NewStartTaskConsumer());
                    endpoint.Consumer(() => AgentOf(node.Id).NewStopTaskConsumer());
                    endpoint.Consumer(() => AgentOf(node.Id).NewGetTaskLogsConsumer());
                });
            }
        });

        pool = new SimulatedAgentPool(builder.Build());
        var services = pool.SharedServices(settings);
        foreach (var node in nodes)
            pool._agents[node.Id] = new SimulatedAgent(node, services);
        await pool._host.StartAsync(cancellationToken);
        return pool;
    }

    /// <summary>
    /// Starts every agent's heartbeat, spread over one interval as agents on separate machines would be, so the
    /// cluster sees a steady rate rather than all nodes at once.
    /// </summary>
    public async Task StartHeartbeatsAsync(TimeSpan spreadOver, CancellationToken cancellationToken)
    {
        var gap = _agents.Count == 0 ? TimeSpan.Zero : spreadOver / _agents.Count;
        foreach (var agent in _agents.Values)
        {
            await agent.StartAsync(cancellationToken);
            if (gap > TimeSpan.Zero)
                await Task.Delay(gap, cancellationToken);
        }
    }

    private SimulatedAgentServices SharedServices(SimulationSettings settings)
    {
        var services = _host.Services;
        var options = Options.Create(new AgentOptions
        {
            HeartbeatInterval = settings.HeartbeatInterval,
            DataPath = settings.DataPath,
            Capacity = new AgentOptions.ResourceAmounts
            {
                Cpu = settings.NodeCapacity.Cpu,
                MemoryMb = settings.NodeCapacity.MemoryMb,
                DiskMb = settings.NodeCapacity.DiskMb,
            },
        });
        Directory.CreateDirectory(settings.DataPath);
        return new SimulatedAgentServices(
            services.GetRequiredService<IBus>(),
            services.GetRequiredService<HealthProber>(),
            services.GetRequiredService<IHostApplicationLifetime>(),
            services.GetRequiredService<ILoggerFactory>(),
            TimeProvider.System,
            options,
            new SharedHostReading(new HostResourceReader(settings.DataPath), TimeSpan.FromSeconds(1), TimeProvider.System),
            settings.StartDelay);
    }

    public async ValueTask DisposeAsync()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await Task.WhenAll(_agents.Values.Select(agent => agent.StopAsync(timeout.Token)));
        await _host.StopAsync(timeout.Token);
        _host.Dispose();
    }
}
