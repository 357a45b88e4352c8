using System.Text.Json;
using Docker.DotNet;
using Docker.DotNet.Models;
using MassTransit;
using Microsoft.Extensions.DependencyInjection;
using Orchestrator.Contracts;
using Orchestrator.WorkerAgent.Host;
using TaskState = Orchestrator.Domain.Tasks.TaskState;

namespace Orchestrator.IntegrationTests.Infrastructure;

/// <summary>
/// A whole cluster on real parts: Postgres and RabbitMQ in containers, the four services in-process, and the
/// agents driving this machine's Docker engine. Shared by the tests of one collection. Subclasses say how many
/// agents, with what configuration, and how many schedulers. The work is done by its parts, which this class puts
/// together and speaks for: <see cref="TestDatabase"/>, <see cref="TestBroker"/>, <see cref="ClusterServices"/>, the
/// <see cref="ApiClient"/> and <see cref="EngineContainers"/>.
/// </summary>
public abstract class ClusterFixtureBase : IAsyncLifetime
{
    public static readonly JsonSerializerOptions Json = ApiClient.Json;

    /// <summary>The Api's one key in a test cluster, under the name "tests".</summary>
    public const string ApiKey = "integration-tests-api-key";

    /// <summary>A key that may only read, under the name "viewer".</summary>
    public const string ReadOnlyApiKey = "integration-tests-read-only-key";
    private readonly string _dataRoot = Path.Combine(Path.GetTempPath(), $"orchestrator-test-{Guid.NewGuid():N}");
    private readonly List<NodeIdentity> _nodes = [];
    private readonly EngineContainers _containers;
    private Dictionary<string, string?> _configuration = [];
    private TestDatabase _database = null!;
    private TestBroker _broker = null!;
    private ClusterServices _services = null!;
    private ApiClient _api = null!;

    protected ClusterFixtureBase() => _containers = new EngineContainers(Docker);

    /// <summary>The Api, with <see cref="ApiKey"/>; after <see cref="RestartAllServicesAsync"/>, the new one.</summary>
    public HttpClient Api => _api.Http;
    public DockerClient Docker { get; } = new DockerClientConfiguration(new Uri("unix:///var/run/docker.sock")).CreateClient();
    /// <summary>The agents' nodes, in the order <see cref="AgentNames"/> lists them.</summary>
    public IReadOnlyList<NodeIdentity> Nodes => _nodes;

    protected abstract IReadOnlyList<string> AgentNames { get; }

    protected virtual int SchedulerCount => 1;

    /// <summary>Settings of one agent beyond its name and data path, e.g. capacity and labels.</summary>
    protected virtual IDictionary<string, string?> AgentSettings(string name) => new Dictionary<string, string?>();

    /// <summary>Settings for every service, e.g. the liveness TTL.</summary>
    protected virtual IDictionary<string, string?> ClusterSettings() => new Dictionary<string, string?>();

    /// <summary>
    /// Postgres and RabbitMQ on loopback ports chosen once, so that they keep their addresses across a restart
    /// (<see cref="RestartBrokerAsync"/>, <see cref="RestartDatabaseAsync"/>); otherwise the engine picks new ones.
    /// </summary>
    protected virtual bool KeepsPortsAcrossRestarts => false;

    /// <summary>
    /// The certificates of a cluster that requires TLS on every hop (<c>Tls:Required</c>): its database and broker
    /// take TLS, and its Api serves https with them. Null for a plain cluster.
    /// </summary>
    protected virtual TestTls? Tls => null;

    public virtual async Task InitializeAsync()
    {
        _database = new TestDatabase(Docker, KeepsPortsAcrossRestarts ? FreeLoopbackPort() : null, Tls);
        _broker = new TestBroker(Docker, KeepsPortsAcrossRestarts ? FreeLoopbackPort() : null, Tls);
        await Task.WhenAll(_database.StartAsync(), _broker.StartAsync());

        _configuration = ServiceSettings.For(_database.ConnectionString, _broker.ConnectionString);
        if (Tls is { } tls)
            foreach (var (key, value) in ServiceSettings.RequiringTls(tls))
                _configuration[key] = value;
        foreach (var (key, value) in ClusterSettings())
            _configuration[key] = value;

        _services = new ClusterServices(_configuration);
        await StartControlPlaneAsync();
        foreach (var name in AgentNames)
            _nodes.Add(await StartAgentAsync(name));
    }

    private async Task StartControlPlaneAsync()
    {
        await _services.StartControlPlaneAsync(SchedulerCount);
        _api = new ApiClient(_services.ApiAddress, ApiKey, Tls is null ? null : TestTls.TrustingOnly(Tls.CaFile));
    }

    /// <summary>
    /// Stops every service, the agents included, and starts new ones on the same database and broker
    /// <paramref name="downFor"/> later, as a restart of the AppHost does; the agent named <paramref name="lateAgent"/>
    /// starts <paramref name="lateBy"/> after the others, as one slow to start does. The containers keep running in
    /// between, and the agents keep their data directories and so their nodes. The Api listens on a new port
    /// afterwards (<see cref="Api"/> follows it).
    /// </summary>
    public async Task RestartAllServicesAsync(TimeSpan downFor, string? lateAgent = null, TimeSpan lateBy = default)
    {
        var agents = _services.AgentNames;
        foreach (var name in agents)
            await StopAgentAsync(name);
        _api.Dispose();
        await _services.StopControlPlaneAsync();

        await Task.Delay(downFor);
        await StartControlPlaneAsync();
        foreach (var name in agents.Where(name => name != lateAgent))
            await StartAgentAsync(name);
        if (lateAgent is not null && agents.Contains(lateAgent))
        {
            await Task.Delay(lateBy);
            await StartAgentAsync(lateAgent);
        }
    }

    /// <summary>Every service's settings, e.g. to build one more host against the same broker and database.</summary>
    public IReadOnlyDictionary<string, string?> Configuration => _configuration;

    /// <summary>A request client on the Api's bus, for sending StateStore a request as the Api would.</summary>
    public IRequestClient<T> RequestClient<T>() where T : class => _services.RequestClient<T>();

    /// <summary>The test's broker as an amqp:// URI on loopback.</summary>
    protected string BrokerConnectionString => _broker.ConnectionString;

    public string PostgresConnectionString(string database) => _database.ConnectionStringOf(database);

    /// <inheritdoc cref="TestBroker.CreateVirtualHostAsync"/>
    public Task<string> CreateVirtualHostAsync(string name) => _broker.CreateVirtualHostAsync(name);

    /// <summary>
    /// Starts the named agent (again), with the same data directory and so the same node id, and waits until its node
    /// is Ready. <paramref name="overrides"/> come last, e.g. the agent's own broker credentials.
    /// </summary>
    public async Task<NodeIdentity> StartAgentAsync(string name, IDictionary<string, string?>? overrides = null)
    {
        var settings = new Dictionary<string, string?>(_configuration)
        {
            ["Agent:NodeName"] = name,
            ["Agent:DataPath"] = Path.Combine(_dataRoot, name),
        };
        foreach (var (key, value) in AgentSettings(name).Concat(overrides ?? new Dictionary<string, string?>()))
            settings[key] = value;
        var agent = await _services.StartAgentAsync(name, settings);
        var node = agent.GetRequiredService<NodeIdentity>();
        await WaitForNodeAsync(node.Id, Domain.Nodes.NodeStatus.Ready);
        return node;
    }

    /// <summary>The named agent's services, to reach into it where a test stages what only a race would.</summary>
    public IServiceProvider AgentServices(string name) => _services.AgentServices(name);

    /// <summary>Ends the named agent as a crash would for the cluster: no more heartbeats, and its containers keep running.</summary>
    public Task StopAgentAsync(string name) => _services.StopAgentAsync(name);

    public Task<NodeDetails> WaitForNodeAsync(Guid nodeId, Domain.Nodes.NodeStatus status) => _api.WaitForNodeAsync(nodeId, status);

    /// <inheritdoc cref="ApiClient.WaitForNodeAsync(Func{NodeDetails, bool})"/>
    public Task<NodeDetails> WaitForNodeAsync(Func<NodeDetails, bool> match) => _api.WaitForNodeAsync(match);

    public Task<TaskDetails> SubmitAsync(object spec) => _api.SubmitAsync(spec);

    public Task<TaskDetails> GetTaskAsync(Guid id) => _api.GetTaskAsync(id);

    /// <inheritdoc cref="ApiClient.WaitForTaskAsync"/>
    public Task<TaskDetails> WaitForTaskAsync(Guid id, Func<TaskDetails, bool> condition, string description) =>
        _api.WaitForTaskAsync(id, condition, description);

    public Task<IReadOnlyList<TaskEventDetails>> EventsAsync(Guid id) => _api.EventsAsync(id);

    /// <summary>Stops a task and waits until it has ended and its container is gone.</summary>
    public async Task<TaskDetails> StopAndWaitAsync(Guid id)
    {
        var ended = await _api.StopAndWaitForEndAsync(id);
        Assert.Empty(await ContainersOfTaskAsync(id));
        return ended;
    }

    /// <inheritdoc cref="ApiClient.WaitForAllAsync"/>
    public Task<IReadOnlyList<TaskDetails>> WaitForAllAsync(IReadOnlySet<Guid> ids, Func<IReadOnlyList<TaskDetails>, bool> condition) =>
        _api.WaitForAllAsync(ids, condition);

    /// <inheritdoc cref="ApiClient.WaitForLogAsync"/>
    public Task WaitForLogAsync(Guid id, string text) => _api.WaitForLogAsync(id, text);

    /// <inheritdoc cref="ApiClient.StopAllAsync"/>
    public Task StopAllAsync(IEnumerable<Guid> ids) => _api.StopAllAsync(ids);

    /// <inheritdoc cref="Poll.UntilAsync"/>
    public static Task WaitUntilAsync(Func<Task<bool>> condition) => Poll.UntilAsync(condition);

    public Task<TaskDetails> WaitForStateAsync(Guid id, TaskState state) => _api.WaitForStateAsync(id, state);

    public Task<IList<ContainerListResponse>> ContainersOfTaskAsync(Guid taskId) => _containers.OfTaskAsync(taskId);

    /// <inheritdoc cref="TestBroker.RestartAsync"/>
    public Task RestartBrokerAsync() => _broker.RestartAsync();

    /// <inheritdoc cref="TestBroker.Ctl"/>
    public string BrokerCtl => _broker.Ctl;

    /// <summary>For each client connection of the broker, whether it is over TLS.</summary>
    public Task<IReadOnlyList<bool>> BrokerConnectionsOverTlsAsync() => _broker.ConnectionsOverTlsAsync();

    /// <summary>The loopback port of the broker's TLS listener (a cluster with <see cref="Tls"/>).</summary>
    public int BrokerTlsPort => _broker.TlsHostPort;

    /// <inheritdoc cref="TestBroker.PauseAsync"/>
    public Task PauseBrokerAsync() => _broker.PauseAsync();

    public Task UnpauseBrokerAsync() => _broker.UnpauseAsync();

    /// <inheritdoc cref="TestBroker.QueueDepthAsync"/>
    public Task<int> QueueDepthAsync(string queue) => _broker.QueueDepthAsync(queue);

    /// <inheritdoc cref="TestBroker.PurgeQueueAsync"/>
    public Task PurgeQueueAsync(string queue) => _broker.PurgeQueueAsync(queue);

    /// <inheritdoc cref="TestBroker.UnbindQueueAsync"/>
    public Task UnbindQueueAsync(string queue) => _broker.UnbindQueueAsync(queue);

    public Task BindQueueAsync(string queue) => _broker.BindQueueAsync(queue);

    /// <inheritdoc cref="TestBroker.QueueConsumersAsync"/>
    public Task<int> QueueConsumersAsync(string queue) => _broker.QueueConsumersAsync(queue);

    /// <inheritdoc cref="TestDatabase.RestartAsync"/>
    public Task RestartDatabaseAsync() => _database.RestartAsync();

    /// <summary>Stops the database's container (a fast shutdown), leaving it down until <see cref="StartDatabaseAsync"/>.</summary>
    public Task StopDatabaseAsync() => _database.StopAsync();

    public Task StartDatabaseAsync() => _database.StartAgainAsync();

    /// <summary>
    /// Runs a statement on the cluster's database behind StateStore's back, to stage what only a fault would
    /// otherwise leave behind (a report that never arrived).
    /// </summary>
    public Task ExecuteSqlAsync(string sql) => _database.ExecuteSqlAsync(sql);

    /// <inheritdoc cref="TestBroker.QueuesWithMessagesContainingAsync"/>
    public Task<IReadOnlyList<string>> QueuesWithMessagesContainingAsync(string text) => _broker.QueuesWithMessagesContainingAsync(text);

    /// <inheritdoc cref="TestBroker.FilesContainingAsync"/>
    public Task<string> BrokerFilesContainingAsync(string text) => _broker.FilesContainingAsync(text);

    /// <inheritdoc cref="TestDatabase.DumpAllAsync"/>
    public Task<string> DumpDatabaseAsync() => _database.DumpAllAsync();

    /// <summary>A port nothing listens on at the moment, on 127.0.0.1.</summary>
    public static int FreeLoopbackPort()
    {
        using var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        return ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
    }

    public virtual async Task DisposeAsync()
    {
        _api?.Dispose();
        if (_services is not null)
            await _services.DisposeAsync();
        foreach (var node in _nodes)
            await RemoveContainersOfNodeAsync(node.Id);
        await Task.WhenAll(_database.DisposeAsync().AsTask(), _broker.DisposeAsync().AsTask());
        Docker.Dispose();
        if (Directory.Exists(_dataRoot))
            Directory.Delete(_dataRoot, recursive: true);
    }

    /// <summary>A safety net: whatever a failed test left behind on the test's nodes is removed.</summary>
    public Task RemoveContainersOfNodeAsync(Guid nodeId) => _containers.RemoveOfNodeAsync(nodeId);

    /// <summary>Removes a named volume the test made (volumes outlive their tasks), with the containers that mount it.</summary>
    public Task RemoveVolumeAsync(string name) => _containers.RemoveVolumeAsync(name);
}

/// <summary>One agent, node "test-node", with the host's real capacity.</summary>
public sealed class ClusterFixture : ClusterFixtureBase
{
    public NodeIdentity Node => Nodes[0];

    protected override IReadOnlyList<string> AgentNames { get; } = ["test-node"];

    // Small batches, so that every test whose tasks queue up crosses the Scheduler's batch boundaries.
    protected override IDictionary<string, string?> ClusterSettings() => new Dictionary<string, string?>
    {
        ["Scheduler:BatchSize"] = "3",
    };
}

[CollectionDefinition(Name)]
public sealed class ClusterCollection : ICollectionFixture<ClusterFixture>
{
    public const string Name = "cluster";
}
