using Docker.DotNet;
using MassTransit;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Orchestrator.Contracts;
using Orchestrator.Domain.Nodes;
using Orchestrator.WorkerAgent.Consumers;
using Orchestrator.WorkerAgent.Host;
using Orchestrator.WorkerAgent.Reporting;
using Orchestrator.WorkerAgent.Runtime;
using Orchestrator.WorkerAgent.Supervision;

namespace Orchestrator.WorkerAgent.Extensions;

public static class WorkerAgentExtensions
{
    /// <summary>Everything the agent runs but its consumers. Returns the node it runs as.</summary>
    public static NodeIdentity AddWorkerAgent(this IHostApplicationBuilder builder)
    {
        var section = builder.Configuration.GetSection(AgentOptions.Section);
        builder.Services.AddOptions<AgentOptions>().BindConfiguration(AgentOptions.Section)
            .ValidateSettingsOnStart(AgentOptions.Section)
            .Validate(agent => agent.DynamicPorts is { Min: >= 1, Max: <= 65535 } range && range.Min <= range.Max,
                "Agent:DynamicPorts:Min and Agent:DynamicPorts:Max must be ports (1 to 65535), Min at most Max")
            .Validate(agent => NodeDatacenter.IsName(agent.Datacenter),
                $"Agent:Datacenter must be {NodeDatacenter.NameRule}, as a task's datacenters are")
            // A task's secrets are written there: they must never reach the node's disk.
            .Validate(agent => string.IsNullOrEmpty(agent.TaskFilesPath) || TaskFileMounts.IsInMemory(agent.TaskFilesPath, out _),
                "Agent:TaskFilesPath must be on tmpfs or ramfs (as /run is on most Linux hosts), so that secrets never reach the node's disk");
        builder.Services.AddSingleton<IValidateOptions<AgentOptions>, HostVolumesValidator>();
        builder.Services.AddOptions<ImageGcOptions>().BindConfiguration(ImageGcOptions.Section)
            .ValidateSettingsOnStart(ImageGcOptions.Section)
            .Validate(gc => gc.LowThresholdPercent <= gc.HighThresholdPercent,
                "Agent:ImageGc:LowThresholdPercent must be at most Agent:ImageGc:HighThresholdPercent");
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
        builder.Services.AddSingleton<HostPortPicker>();
        builder.Services.AddSingleton<TaskFileMounts>();
        builder.Services.AddSingleton<ITaskSecrets, BusTaskSecrets>();
        builder.Services.AddSingleton<IPullCredentials, BusPullCredentials>();
        builder.Services.AddSingleton<IServiceAddressLookup, BusServiceAddressLookup>();
        builder.Services.AddSingleton<IContainerRuntime, DockerContainerRuntime>();
        builder.Services.AddSingleton<DockerVolumes>();
        builder.Services.AddSingleton<IHostResources>(new HostResourceReader(options.DataPath));
        builder.Services.AddSingleton<NodeResources>();
        builder.Services.AddHttpClient(HealthProber.HttpClientName);
        builder.Services.AddSingleton<HealthProber>();
        builder.Services.AddSingleton(services => RestartLedger.In(options.DataPath, services.GetRequiredService<ILogger<RestartLedger>>()));
        builder.Services.AddSingleton<TaskSupervisor>();
        builder.Services.AddHostedService<ContainerAdoption>();
        builder.Services.AddHostedService<HeartbeatPublisher>();
        builder.Services.AddHostedService<ExitedContainerJanitor>();
        builder.Services.AddHostedService<ImageJanitor>();
        return node;
    }

    /// <summary>
    /// The agent's bus: its consumers, on the node's queue, and its own endpoint for answers (to its requests for a
    /// task's secrets and its image registry's credentials) named after the node too, so that a broker user of the
    /// node's own may read it and no other.
    /// </summary>
    public static TBuilder AddWorkerAgentBus<TBuilder>(this TBuilder builder, NodeIdentity node) where TBuilder : IHostApplicationBuilder =>
        builder.AddOrchestratorBus(
            bus => bus.AddWorkerAgentConsumers(),
            (_, rabbit) => rabbit.OverrideDefaultBusEndpointQueueName(AnswersQueue(node.Id)));

    /// <summary>Where the agent of <paramref name="nodeId"/> receives answers to its own requests.</summary>
    public static string AnswersQueue(Guid nodeId) => $"{AgentQueue.Name(nodeId)}-answers";

    /// <summary>
    /// The agent's consumers: every consumer in this assembly, each on the node's own queue, as its definition beside
    /// it says (<see cref="NodeQueueConsumerDefinition{TConsumer}"/>).
    /// </summary>
    public static IBusRegistrationConfigurator AddWorkerAgentConsumers(this IBusRegistrationConfigurator bus)
    {
        bus.AddConsumers(typeof(WorkerAgentExtensions).Assembly);
        return bus;
    }

    /// <summary>
    /// A node queue binds nothing but its own exchange and publishes no faults (see
    /// <see cref="NodeQueueConsumerDefinition{TConsumer}"/>); the bench's simulated agents set up their queues the same way.
    /// </summary>
    public static void ConfigureNodeQueue(IReceiveEndpointConfigurator endpoint)
    {
        endpoint.ConfigureConsumeTopology = false;
        endpoint.PublishFaults = false;
    }
}
