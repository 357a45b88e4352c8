using Docker.DotNet;
using Docker.DotNet.Models;
using DotNet.Testcontainers.Builders;
using DotNet.Testcontainers.Networks;
using Testcontainers.RabbitMq;

namespace Orchestrator.IntegrationTests.Infrastructure;

/// <summary>
/// A RabbitMQ cluster of three nodes, in containers of their own on a Docker network of its own, each node's AMQP port
/// published on a loopback port kept across restarts; and what the fault tests do to it: kill a node (SIGKILL), bring
/// it back (it rejoins the cluster on its own data), and read the queues' figures as rabbitmqctl lists them.
/// Nodes are numbered 0, 1 and 2; node i is <c>rabbit@rabbit{i+1}</c> on the network.
/// </summary>
public sealed class TestBrokerCluster : IAsyncDisposable
{
    public const string User = TestBroker.User;
    public const int Size = 3;

    private readonly DockerClient _docker;
    private readonly INetwork _network;
    private readonly RabbitMqContainer[] _nodes;
    private readonly int[] _ports;
    private readonly bool[] _down = new bool[Size];

    public TestBrokerCluster(DockerClient docker)
    {
        _docker = docker;
        _network = new NetworkBuilder().WithName($"orchestrator-rabbit-{Guid.NewGuid():N}").Build();
        _ports = Enumerable.Range(0, Size).Select(_ => ClusterFixtureBase.FreeLoopbackPort()).ToArray();
        // Every node knows every other, and they share the cookie that lets them (and rabbitmqctl) talk.
        var cookie = Guid.NewGuid().ToString("N");
        var members = string.Join(' ', Enumerable.Range(0, Size).Select(NodeName));
        _nodes = Enumerable.Range(0, Size).Select(i => new RabbitMqBuilder()
                .WithImage(TestImages.RabbitMq)
                .WithUsername(User)
                .WithPassword(User)
                .WithNetwork(_network)
                .WithHostname(HostOf(i))
                .WithNetworkAliases(HostOf(i))
                .WithEnvironment("RABBITMQ_NODENAME", NodeName(i))
                .WithEnvironment("RABBITMQ_ERLANG_COOKIE", cookie)
                .WithEnvironment("RABBITMQ_CLUSTER_NODES", members)
                .WithPortBinding(_ports[i], RabbitMqBuilder.RabbitMqPort)
                .WithCreateParameterModifier(LoopbackPorts.Only)
                .Build())
            .ToArray();
    }

    /// <summary>
    /// Starts the first node, then the other two, which join it; returns once all three run as one cluster. The first
    /// goes alone so that no two nodes, each finding no peer yet, start clusters of their own.
    /// </summary>
    public async Task StartAsync()
    {
        await _network.CreateAsync();
        await _nodes[0].StartAsync();
        await Task.WhenAll(_nodes.Skip(1).Select(node => node.StartAsync()));
        await WaitUntilClusteredAsync();
    }

    /// <summary>
    /// The whole cluster as one amqp:// URI with every node's loopback host:port in its authority, comma-separated
    /// (<c>amqp://orchestrator:orchestrator@127.0.0.1:P1,127.0.0.1:P2,127.0.0.1:P3/</c>): a client tries them in turn.
    /// </summary>
    public string ConnectionString =>
        $"amqp://{User}:{User}@{string.Join(',', _ports.Select(port => $"127.0.0.1:{port}"))}/";

    /// <summary>Node <paramref name="i"/> alone, as an amqp:// URI on loopback.</summary>
    public string NodeConnectionString(int i) => $"amqp://{User}:{User}@127.0.0.1:{_ports[i]}/";

    /// <summary>Node <paramref name="i"/>'s Erlang node name, as rabbitmqctl lists it (e.g. a quorum queue's leader).</summary>
    public static string NodeName(int i) => $"rabbit@{HostOf(i)}";

    /// <summary>The number of the node named <paramref name="nodeName"/> (<see cref="NodeName"/>).</summary>
    public static int NodeIndex(string nodeName) =>
        Enumerable.Range(0, Size).Single(i => NodeName(i) == nodeName.Trim());

    /// <summary>How to run rabbitmqctl against node <paramref name="i"/> from this machine's shell.</summary>
    public string Ctl(int i) => $"docker exec {_nodes[i].Id} rabbitmqctl";

    /// <summary>Whether node <paramref name="i"/> was killed and not started again.</summary>
    public bool IsDown(int i) => _down[i];

    /// <summary>Kills node <paramref name="i"/>'s container with SIGKILL, as a machine lost at once.</summary>
    public async Task KillNodeAsync(int i)
    {
        _down[i] = true;
        await _docker.Containers.KillContainerAsync(_nodes[i].Id, new ContainerKillParameters { Signal = "KILL" });
        await Poll.UntilAsync(async () => !(await _docker.Containers.InspectContainerAsync(_nodes[i].Id)).State.Running);
    }

    /// <summary>
    /// Starts node <paramref name="i"/>'s container again on its own data and port, and waits until it serves and the
    /// cluster has all three nodes running again.
    /// </summary>
    public async Task StartNodeAsync(int i)
    {
        await _docker.Containers.StartContainerAsync(_nodes[i].Id, new ContainerStartParameters());
        await Poll.UntilAsync(async () => (await _nodes[i].ExecAsync(["rabbitmqctl", "await_startup"])).ExitCode == 0);
        _down[i] = false;
        await WaitUntilClusteredAsync();
    }

    /// <summary>A queue's type (classic, quorum, stream), null for a queue that does not exist.</summary>
    public Task<string?> QueueTypeAsync(string queue) => BrokerListings.QueueColumnAsync(AnyRunningNode(), queue, "type");

    /// <summary>The node that leads a quorum queue (see <see cref="NodeIndex"/>), null for a queue that does not exist.</summary>
    public Task<string?> QueueLeaderAsync(string queue) => BrokerListings.QueueColumnAsync(AnyRunningNode(), queue, "leader");

    /// <summary>Messages waiting in a queue, 0 for a queue that does not exist.</summary>
    public Task<int> QueueDepthAsync(string queue) => BrokerListings.QueueCountAsync(AnyRunningNode(), queue, "messages");

    /// <summary>Drops every message waiting in a queue (not those delivered and not yet acknowledged), as <c>rabbitmqctl purge_queue</c> does.</summary>
    public async Task PurgeQueueAsync(string queue)
    {
        var result = await AnyRunningNode().ExecAsync(["rabbitmqctl", "purge_queue", queue]);
        if (result.ExitCode != 0)
            throw new InvalidOperationException($"purge_queue {queue} failed: {result.Stderr}");
    }

    /// <summary>
    /// Consumers on a queue, 0 for a queue that does not exist. For a quorum queue this is the broker's statistic,
    /// which lags the consumers by its statistics interval (5 s); <see cref="ConsumersAsync"/> is current.
    /// </summary>
    public Task<int> QueueConsumersAsync(string queue) => BrokerListings.QueueCountAsync(AnyRunningNode(), queue, "consumers");

    /// <inheritdoc cref="BrokerListings.ConsumersAsync"/>
    public Task<IReadOnlyList<QueueConsumer>> ConsumersAsync(string queue) => BrokerListings.ConsumersAsync(AnyRunningNode(), queue);

    /// <summary>The consumer messages go to on a single-active-consumer queue; null while none is active.</summary>
    public async Task<QueueConsumer?> ActiveConsumerAsync(string queue) =>
        (await ConsumersAsync(queue)).SingleOrDefault(consumer => consumer.Active);

    private RabbitMqContainer AnyRunningNode() =>
        _nodes.Where((_, i) => !_down[i]).FirstOrDefault()
        ?? throw new InvalidOperationException("Every node of the broker cluster is down.");

    /// <summary>Waits until a running node lists every node as running.</summary>
    private Task WaitUntilClusteredAsync() =>
        Poll.UntilAsync(async () =>
        {
            var status = await AnyRunningNode().ExecAsync(["rabbitmqctl", "--quiet", "--formatter", "json", "cluster_status"]);
            if (status.ExitCode != 0)
                return false;
            using var document = System.Text.Json.JsonDocument.Parse(status.Stdout);
            return document.RootElement.GetProperty("running_nodes").GetArrayLength() == Size;
        });

    private static string HostOf(int i) => $"rabbit{i + 1}";

    public async ValueTask DisposeAsync()
    {
        await Task.WhenAll(_nodes.Select(node => node.DisposeAsync().AsTask()));
        await _network.DisposeAsync();
    }
}
