using System.Diagnostics;
using Docker.DotNet.Models;
using Orchestrator.Contracts;
using Orchestrator.Testing;
using NodeStatus = Orchestrator.Domain.Nodes.NodeStatus;

namespace Orchestrator.IntegrationTests.Infrastructure;

/// <summary>
/// The control plane in-process, and three worker agents run as users run them: containers of the agent image
/// (built from this checkout by deploy/docker/build-images.sh), with host networking, the host's Docker socket
/// mounted, and every setting in environment variables. All three share this machine's engine, as three hosts
/// would each have their own. Capacity is overridden to 1 core and 1 GiB each, and the node TTL is 4 s.
/// </summary>
public sealed class AgentImageClusterFixture : ClusterFixtureBase
{
    public const string Image = "orchestrator/worker-agent:latest";
    public static readonly IReadOnlyList<string> Names = ["host-a", "host-b", "host-c"];

    private const string TestLabel = "orchestrator.test";
    private static readonly string TaskFilesRoot = Path.GetDirectoryName(TestAgentPaths.TaskFiles)!;
    private readonly string _runId = Guid.NewGuid().ToString("N")[..8];
    private readonly Dictionary<string, string> _containers = [];

    /// <summary>From creating each agent's container to its node being Ready; reported, never asserted.</summary>
    public Dictionary<string, TimeSpan> TimeToReady { get; } = [];

    /// <summary>The agents' nodes, by name, as the cluster lists them.</summary>
    public Dictionary<string, NodeDetails> AgentNodes { get; } = [];

    protected override IReadOnlyList<string> AgentNames { get; } = [];

    protected override IDictionary<string, string?> ClusterSettings() => new Dictionary<string, string?>
    {
        ["StateStore:Liveness:NodeTtl"] = "00:00:04",
        ["StateStore:Liveness:CheckInterval"] = "00:00:01",
    };

    public override async Task InitializeAsync()
    {
        await RepositoryScripts.RunAsync("deploy/docker/build-images.sh", TimeSpan.FromMinutes(15), "worker-agent");
        await base.InitializeAsync();
        foreach (var name in Names)
        {
            var started = Stopwatch.StartNew();
            _containers[name] = await RunAgentAsync(name);
            AgentNodes[name] = await WaitForNodeAsync(node => node.Name == name && node.Status == NodeStatus.Ready);
            TimeToReady[name] = started.Elapsed;
        }
    }

    public string ContainerOf(string name) => _containers[name];

    /// <summary>The agent container's state, as the engine has it.</summary>
    public async Task<ContainerState> AgentStateAsync(string name) =>
        (await Docker.Containers.InspectContainerAsync(_containers[name])).State;

    /// <summary>Starts a stopped or killed agent container again: same container, same data path, same node.</summary>
    public async Task RestartAgentAsync(string name)
    {
        await Docker.Containers.StartContainerAsync(_containers[name], new ContainerStartParameters());
        await WaitForNodeAsync(AgentNodes[name].Id, NodeStatus.Ready);
    }

    private async Task<string> RunAgentAsync(string name)
    {
        var created = await Docker.Containers.CreateContainerAsync(new CreateContainerParameters
        {
            Name = $"orchestrator-test-{name}-{_runId}",
            Image = Image,
            Labels = new Dictionary<string, string> { [TestLabel] = _runId },
            Env =
            [
                $"ConnectionStrings__messaging={BrokerConnectionString}",
                $"Agent__NodeName={name}",
                "Agent__HeartbeatInterval=00:00:01",
                "Agent__PullMissingImages=false",
                // These agents use the host's engine, whose images other tests need.
                "Agent__ImageGc__Enabled=false",
                "Agent__ExitedContainerRetention=00:00:05",
                $"Agent__TaskFilesPath={TestAgentPaths.TaskFiles}",
                "Agent__Capacity__Cpu=1",
                "Agent__Capacity__MemoryMb=1024",
                "Agent__Capacity__DiskMb=10240",
                $"Agent__Labels__host={name}",
            ],
            HostConfig = new HostConfig
            {
                // The broker's published port is on the host's loopback, as a broker on a LAN would be on its address.
                NetworkMode = "host",
                // Task files are bind-mounted into task containers by the engine, from the host: the agent writes them at
                // the same path the host has them, as docs/deploy.md mounts /run/orchestrator-agent.
                Binds = ["/var/run/docker.sock:/var/run/docker.sock", $"{TaskFilesRoot}:{TaskFilesRoot}"],
                // The kernel log, for the OOM kills the engine misses (KernelOomLog), as docs/deploy.md runs the agent.
                Devices = [new DeviceMapping { PathOnHost = "/dev/kmsg", PathInContainer = "/dev/kmsg", CgroupPermissions = "r" }],
                CapAdd = ["SYSLOG"],
            },
        });
        await Docker.Containers.StartContainerAsync(created.ID, new ContainerStartParameters());
        return created.ID;
    }

    public override async Task DisposeAsync()
    {
        foreach (var container in _containers.Values)
            await Docker.Containers.RemoveContainerAsync(container, new ContainerRemoveParameters { Force = true });
        foreach (var node in AgentNodes.Values)
            await RemoveContainersOfNodeAsync(node.Id);
        await base.DisposeAsync();
    }
}

[CollectionDefinition(Name)]
public sealed class AgentImageClusterCollection : ICollectionFixture<AgentImageClusterFixture>
{
    public const string Name = "agent image cluster";
}
