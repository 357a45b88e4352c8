using System.Collections.Concurrent;
using MassTransit;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Orchestrator.Contracts;

namespace Orchestrator.Bench.Cluster;

/// <summary>
/// Hears every NodeDown the cluster publishes, on a queue of its own, with the heartbeat time StateStore judged by.
/// A NodeDown is published through the outbox, so it may arrive well after the decision; its LastHeartbeatAt says
/// when the decision could first have been taken (that time plus the TTL).
/// </summary>
public sealed class NodeDownObserver : IAsyncDisposable
{
    private readonly IHost _host;
    private readonly ConcurrentQueue<NodeDown> _heard;

    private NodeDownObserver(IHost host, ConcurrentQueue<NodeDown> heard)
    {
        _host = host;
        _heard = heard;
    }

    public IReadOnlyList<NodeDown> Heard => _heard.ToList();

    public static async Task<NodeDownObserver> StartAsync(IDictionary<string, string?> configuration, CancellationToken cancellationToken)
    {
        var heard = new ConcurrentQueue<NodeDown>();
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings
        {
            ApplicationName = "Orchestrator.Bench.Observer",
            EnvironmentName = Environments.Production,
            DisableDefaults = true,
        });
        builder.Configuration.AddInMemoryCollection(configuration);
        builder.Services.AddSingleton(heard);
        builder.AddOrchestratorBus(bus => bus.AddConsumer<NodeDownRecorder>().Endpoint(e => e.Name = "bench-node-down"));
        var host = builder.Build();
        await host.StartAsync(cancellationToken);
        return new NodeDownObserver(host, heard);
    }

    public async ValueTask DisposeAsync()
    {
        await _host.StopAsync();
        _host.Dispose();
    }

    private sealed class NodeDownRecorder(ConcurrentQueue<NodeDown> heard) : IConsumer<NodeDown>
    {
        public Task Consume(ConsumeContext<NodeDown> context)
        {
            heard.Enqueue(context.Message);
            return Task.CompletedTask;
        }
    }
}
