using MassTransit;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orchestrator.WorkerAgent;
using Orchestrator.WorkerAgent.Consumers;
using Orchestrator.WorkerAgent.Host;
using Orchestrator.WorkerAgent.Reporting;
using Orchestrator.WorkerAgent.Supervision;

namespace Orchestrator.Bench.Simulation;

/// <summary>
/// One hollow node: the agent's own supervisor, consumers and heartbeat over a <see cref="SimulatedContainerRuntime"/>,
/// sharing its pool's bus. Only the engine is fake; everything the cluster sees of the node is the real agent's.
/// </summary>
public sealed class SimulatedAgent
{
    private readonly HeartbeatPublisher _heartbeat;
    private readonly ILoggerFactory _loggers;

    public SimulatedAgent(NodeIdentity node, SimulatedAgentServices services)
    {
        Node = node;
        _loggers = services.Loggers;
        Runtime = new SimulatedContainerRuntime(services.StartDelay, services.Clock);
        Supervisor = new TaskSupervisor(
            Runtime, RestartLedger.InMemory(), services.Prober, services.Bus, node, services.Clock, services.Lifetime, _loggers.CreateLogger<TaskSupervisor>());
        // The node's capacity is configured; its usage is this machine's, read once for every agent of the pool.
        var resources = new NodeResources(services.Host, services.Options);
        _heartbeat = new HeartbeatPublisher(
            services.Bus, Runtime, Supervisor, resources, node, services.Options, services.Clock, _loggers.CreateLogger<HeartbeatPublisher>());
    }

    public NodeIdentity Node { get; }
    public SimulatedContainerRuntime Runtime { get; }
    public TaskSupervisor Supervisor { get; }

    public StartTaskConsumer NewStartTaskConsumer() => new(Runtime, Supervisor, _loggers.CreateLogger<StartTaskConsumer>());
    public StopTaskConsumer NewStopTaskConsumer() => new(Runtime, Supervisor);
    public GetTaskLogsConsumer NewGetTaskLogsConsumer() => new(Runtime);

    /// <summary>Begins heartbeating; the first heartbeat registers the node.</summary>
    public Task StartAsync(CancellationToken cancellationToken) => _heartbeat.StartAsync(cancellationToken);

    /// <summary>Stops heartbeating, as a crashed agent would.</summary>
    public Task StopAsync(CancellationToken cancellationToken) => _heartbeat.StopAsync(cancellationToken);
}

/// <summary>What every simulated agent of one pool shares.</summary>
public sealed record SimulatedAgentServices(
    IBus Bus,
    HealthProber Prober,
    IHostApplicationLifetime Lifetime,
    ILoggerFactory Loggers,
    TimeProvider Clock,
    IOptions<AgentOptions> Options,
    IHostResources Host,
    TimeSpan StartDelay);
