using Docker.DotNet;
using MassTransit;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Orchestrator.Contracts;
using Orchestrator.WorkerAgent.Consumers;
using Orchestrator.WorkerAgent.Host;
using Orchestrator.WorkerAgent.Reporting;
using Orchestrator.WorkerAgent.Runtime;
using Orchestrator.WorkerAgent.Supervision;

namespace Orchestrator.WorkerAgent.Extensions;

public static class WorkerAgentExtensions
{
    /// <summary>Everything the agent runs but its consumers. Returns the node, whose queue the consumers need.</summary>
    public static NodeIdentity AddWorkerAgent(this IHostApplicationBuilder builder)
    {
        var section = builder.Configuration.GetSection(AgentOptions.Section);
        builder.Services.Configure<AgentOptions>(section);
        var options = section.Get<AgentOptions>() ?? new AgentOptions();
        var node = NodeIdentity.LoadOrCreate(options);

        builder.Services.AddSingleton(node);
        builder.Services.TryAddSingleton(TimeProvider.System);
        builder.Services.AddSingleton<IDockerClient>(services =>
            new DockerClientConfiguration(new Uri(services.GetRequiredService<IOptions<AgentOptions>>().Value.DockerEndpoint)).CreateClient());
        builder.Services.AddSingleton(services =>
        {
            KernelOomLog.Shared.EnsureStarted(services.GetRequiredService<ILogger<KernelOomLog>>());
            return KernelOomLog.Shared;
        });
        builder.Services.AddSingleton<IContainerRuntime, DockerContainerRuntime>();
        builder.Services.AddSingleton(new HostResourceReader(options.DataPath));
        builder.Services.AddSingleton<NodeResources>();
        builder.Services.AddHttpClient(HealthProber.HttpClientName);
        builder.Services.AddSingleton<HealthProber>();
        builder.Services.AddSingleton(services => RestartLedger.In(options.DataPath, services.GetRequiredService<ILogger<RestartLedger>>()));
        builder.Services.AddSingleton<TaskSupervisor>();
        builder.Services.AddHostedService<ContainerAdoption>();
        builder.Services.AddHostedService<HeartbeatPublisher>();
        builder.Services.AddHostedService<ExitedContainerJanitor>();
        return node;
    }

    /// <summary>
    /// The agent's consumers, on the node's own queue, where StateStore and the Api send its commands. Commands are
    /// sent to that queue, never published, so the queue is bound to nothing but its own exchange: a published
    /// <c>StartTask</c> would otherwise reach every node. Its faults are not published either (nothing subscribes to
    /// them; a failed command stays in <c>agent-{node}_error</c>). So the agent's broker user needs no rights beyond
    /// its own queues, the events it publishes and the reply queues it answers (<c>deploy/rabbitmq/add-agent-user.sh</c>).
    /// </summary>
    public static IBusRegistrationConfigurator AddWorkerAgentConsumers(this IBusRegistrationConfigurator bus, NodeIdentity node)
    {
        var queue = AgentQueue.Name(node.Id);
        bus.AddConsumer<StartTaskConsumer>().Endpoint(endpoint => OnNodeQueue(endpoint, queue));
        bus.AddConsumer<StopTaskConsumer>().Endpoint(endpoint => OnNodeQueue(endpoint, queue));
        bus.AddConsumer<GetTaskLogsConsumer>().Endpoint(endpoint => OnNodeQueue(endpoint, queue));
        return bus;
    }

    private static void OnNodeQueue(IEndpointRegistrationConfigurator endpoint, string queue)
    {
        endpoint.Name = queue;
        endpoint.AddConfigureEndpointCallback((_, receive) => ConfigureNodeQueue(receive));
    }

    /// <summary>
    /// A node queue binds nothing but its own exchange and publishes no faults (see
    /// <see cref="AddWorkerAgentConsumers"/>); the bench's simulated agents set up their queues the same way.
    /// </summary>
    public static void ConfigureNodeQueue(IReceiveEndpointConfigurator endpoint)
    {
        endpoint.ConfigureConsumeTopology = false;
        endpoint.PublishFaults = false;
    }
}
