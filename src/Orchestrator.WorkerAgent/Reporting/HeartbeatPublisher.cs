using MassTransit;
using Microsoft.Extensions.Options;
using Orchestrator.Contracts;
using Orchestrator.WorkerAgent.Host;
using Orchestrator.WorkerAgent.Runtime;

namespace Orchestrator.WorkerAgent.Reporting;

/// <summary>
/// Every interval: the node's capacity, allocatable and usage, and the full list of its containers, so that
/// StateStore can compare it with what it believes. The first heartbeat registers the node.
/// </summary>
public sealed class HeartbeatPublisher(
    IBus bus,
    IContainerRuntime runtime,
    NodeResources resources,
    NodeIdentity node,
    IOptions<AgentOptions> options,
    TimeProvider clock,
    ILogger<HeartbeatPublisher> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.Value.HeartbeatInterval, clock);
        try
        {
            do
            {
                try
                {
                    await bus.Publish(await BuildAsync(stoppingToken), stoppingToken);
                }
                catch (Exception error) when (error is not OperationCanceledException)
                {
                    logger.LogWarning(error, "Heartbeat of node {NodeName} failed", node.Name);
                }
            }
            while (await timer.WaitForNextTickAsync(stoppingToken));
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    private async Task<NodeHeartbeat> BuildAsync(CancellationToken cancellationToken)
    {
        var capacity = resources.Capacity();
        var containers = await runtime.ListAsync(cancellationToken);
        return new NodeHeartbeat(
            node.Id, node.Name, capacity, resources.Allocatable(capacity), resources.Usage(), containers, clock.GetUtcNow());
    }
}
