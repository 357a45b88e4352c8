using System.Net.Http.Headers;
using Docker.DotNet;
using Microsoft.AspNetCore.Builder;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Npgsql;
using Orchestrator.Bench.Measurement;
using Orchestrator.Bench.Simulation;
using Orchestrator.Domain.Nodes;
using Orchestrator.StateStore.Persistence;
using Orchestrator.Testing;
using Orchestrator.WorkerAgent.Host;
using Testcontainers.PostgreSql;
using Testcontainers.RabbitMq;

namespace Orchestrator.Bench.Cluster;

/// <summary>
/// A whole cluster for one bench run, as the integration tests build it: Postgres and RabbitMQ in containers from
/// the local images, StateStore, Scheduler and the Api in this process, and agents added by the scenario (a real
/// one on this machine's engine, or pools of simulated ones).
/// </summary>
public sealed class BenchCluster : IAsyncDisposable
{
    private const string BrokerUser = "orchestrator";
    private readonly string _dataRoot = Path.Combine(Path.GetTempPath(), $"orchestrator-bench-{Guid.NewGuid():N}");
    private readonly List<IHost> _hosts = [];
    private readonly List<SimulatedAgentPool> _pools = [];
    private readonly List<NodeDownObserver> _observers = [];
    private readonly Dictionary<string, string?> _configuration;
    private readonly PostgreSqlContainer _postgres;
    private readonly RabbitMqContainer _rabbitMq;
    private WebApplication? _api;

    /// <summary>The Api's key in a bench cluster, which nothing outside this process can reach.</summary>
    public const string ApiKey = "bench-only-api-key-0000";

    /// <summary>What every request of the bench to the Api carries.</summary>
    public static AuthenticationHeaderValue Authorization => new("Bearer", ApiKey);

    private BenchCluster(PostgreSqlContainer postgres, RabbitMqContainer rabbitMq, IDictionary<string, string?> settings)
    {
        _postgres = postgres;
        _rabbitMq = rabbitMq;
        _configuration = new Dictionary<string, string?>
        {
            ["ConnectionStrings:orchestratordb"] = DirectPostgres(postgres),
            ["ConnectionStrings:messaging"] = DirectRabbitMq(rabbitMq),
            // No registry is reachable, and the bench sends no traffic off this machine.
            ["Agent:PullMissingImages"] = "false",
            // The bench's agents share the host's engine and its images.
            ["Agent:ImageGc:Enabled"] = "false",
            ["Agent:TaskFilesPath"] = TestAgentPaths.TaskFiles,
            ["Logging:LogLevel:Default"] = "Warning",
            ["Api:Keys:bench"] = ApiKey,
            // The harness measures the Api's own capacity with one key; a per-key limit would measure the limit.
            ["Api:RateLimit:RequestsPerSecond"] = "0",
            // The harness measures how fast the system takes and places work; refusing submissions while the
            // backlog is deep (the product's default) would make the long runs measure refusals instead.
            ["StateStore:Admission:MaxPending"] = "0",
            // The migrator's first look for its history table fails by design on a new database.
            ["Logging:LogLevel:Microsoft.EntityFrameworkCore.Database.Command"] = "None",
        };
        foreach (var (key, value) in settings)
            _configuration[key] = value;
    }

    /// <summary>
    /// The services reach Postgres and RabbitMQ on the containers' own addresses, not through the published ports:
    /// on loopback every byte would go through docker-proxy, which took a quarter of a core under the Api load,
    /// a cost of the bench's wiring that no deployment pays.
    /// <para>
    /// The application name makes each cluster's connection string its own. Npgsql keeps one pool per connection
    /// string for the life of the process, and the engine gives the next cluster's Postgres the address the last one
    /// freed: with the same string, the next cluster would be handed the pooled connections of a server already
    /// killed, and its first query would fail with "unexpected postmaster exit".
    /// </para>
    /// </summary>
    private static string DirectPostgres(PostgreSqlContainer postgres) =>
        new NpgsqlConnectionStringBuilder(postgres.GetConnectionString())
        {
            Host = postgres.IpAddress,
            Port = PostgreSqlBuilder.PostgreSqlPort,
            ApplicationName = $"bench-{postgres.Id[..12]}",
        }.ConnectionString;

    private static string DirectRabbitMq(RabbitMqContainer rabbitMq) =>
        new UriBuilder(rabbitMq.GetConnectionString()) { Host = rabbitMq.IpAddress, Port = RabbitMqBuilder.RabbitMqPort }.Uri.ToString();

    public HttpClient Api { get; private set; } = null!;
    public Uri ApiAddress { get; private set; } = null!;
    public DockerClient Docker { get; } = new DockerClientConfiguration(new Uri("unix:///var/run/docker.sock")).CreateClient();
    public IReadOnlyList<SimulatedAgentPool> Pools => _pools;

    /// <summary>
    /// Starts the infrastructure and the control plane, with <paramref name="schedulers"/> Schedulers (each its own
    /// host, sharing the Pending queue as separate processes would); <paramref name="settings"/> override any
    /// service's configuration.
    /// </summary>
    public static async Task<BenchCluster> StartAsync(
        IDictionary<string, string?>? settings = null, int schedulers = 1, CancellationToken cancellationToken = default)
    {
        // The reaper image cannot be pulled here, and published ports should be reached on loopback.
        Environment.SetEnvironmentVariable("TESTCONTAINERS_RYUK_DISABLED", "true");
        Environment.SetEnvironmentVariable("TESTCONTAINERS_HOST_OVERRIDE", "127.0.0.1");
        var postgres = new PostgreSqlBuilder().WithImage(BenchImages.Postgres).Build();
        var rabbitMq = new RabbitMqBuilder().WithImage(BenchImages.RabbitMq).WithUsername(BrokerUser).WithPassword(BrokerUser).Build();
        try
        {
            await Task.WhenAll(postgres.StartAsync(cancellationToken), rabbitMq.StartAsync(cancellationToken));
        }
        catch
        {
            // Stopped (or failed) while they started: the containers exist already, and nothing else would remove them.
            await Task.WhenAll(postgres.DisposeAsync().AsTask(), rabbitMq.DisposeAsync().AsTask());
            throw;
        }

        var cluster = new BenchCluster(postgres, rabbitMq, settings ?? new Dictionary<string, string?>());
        try
        {
            await cluster.StartControlPlaneAsync(schedulers, cancellationToken);
            return cluster;
        }
        catch
        {
            await cluster.DisposeAsync();
            throw;
        }
    }

    private async Task StartControlPlaneAsync(int schedulers, CancellationToken cancellationToken)
    {
        await StartHostAsync(InProcessServices.StateStore(_configuration), cancellationToken);
        for (var i = 0; i < schedulers; i++)
            await StartHostAsync(InProcessServices.Scheduler(_configuration), cancellationToken);
        _api = InProcessServices.Api(_configuration);
        await _api.StartAsync(cancellationToken);
        ApiAddress = new Uri(_api.Urls.First());
        Api = new HttpClient { BaseAddress = ApiAddress };
        Api.DefaultRequestHeaders.Authorization = Authorization;
        await WaitForDatabaseAsync(cancellationToken);
    }

    /// <summary>The CPU time the cluster has used so far: this process, Postgres and RabbitMQ.</summary>
    public Task<ClusterCpu> CpuAsync(CancellationToken cancellationToken) =>
        ClusterCpu.ReadAsync(Docker, _postgres.Id, _rabbitMq.Id, cancellationToken);

    /// <summary>Starts listening for NodeDown events from now on.</summary>
    public async Task<NodeDownObserver> ObserveNodeDownAsync(CancellationToken cancellationToken)
    {
        var observer = await NodeDownObserver.StartAsync(_configuration, cancellationToken);
        _observers.Add(observer);
        return observer;
    }

    /// <summary>A fresh context on the cluster's database, for reading what StateStore recorded.</summary>
    public OrchestratorDbContext Database() =>
        new(new DbContextOptionsBuilder<OrchestratorDbContext>().UseNpgsql(_configuration["ConnectionStrings:orchestratordb"]).Options);

    /// <summary>A real agent on this machine's Docker engine, with room for many small tasks; returns once its node is Ready.</summary>
    public async Task<NodeIdentity> StartRealAgentAsync(string name, CancellationToken cancellationToken)
    {
        var settings = new Dictionary<string, string?>(_configuration)
        {
            ["Agent:NodeName"] = name,
            ["Agent:DataPath"] = Path.Combine(_dataRoot, name),
            // Two real cores would hold only two of the bench's one-core tasks; it runs a hundred at once.
            ["Agent:Capacity:Cpu"] = "1024",
            ["Agent:Capacity:MemoryMb"] = "262144",
        };
        var agent = InProcessServices.WorkerAgent(settings);
        await StartHostAsync(agent, cancellationToken);
        var node = agent.Services.GetRequiredService<NodeIdentity>();
        await WaitForReadyNodesAsync([node.Id], TimeSpan.FromSeconds(60), cancellationToken);
        return node;
    }

    /// <summary>
    /// Starts <paramref name="count"/> simulated nodes in pools of <see cref="SimulationSettings.AgentsPerPool"/>,
    /// spreads their first heartbeats over one interval, and returns once every node is Ready.
    /// </summary>
    public async Task<IReadOnlyList<NodeIdentity>> StartSimulatedNodesAsync(int count, SimulationSettings settings, CancellationToken cancellationToken)
    {
        settings = settings with { DataPath = Path.Combine(_dataRoot, "simulated") };
        var nodes = Enumerable.Range(0, count).Select(i => new NodeIdentity(Guid.NewGuid(), $"sim-{i:D4}")).ToList();
        var pools = new List<SimulatedAgentPool>();
        foreach (var chunk in nodes.Chunk(settings.AgentsPerPool))
            pools.Add(await SimulatedAgentPool.StartAsync(_configuration, chunk, settings, cancellationToken));
        _pools.AddRange(pools);
        await Task.WhenAll(pools.Select(pool => pool.StartHeartbeatsAsync(settings.HeartbeatInterval, cancellationToken)));
        await WaitForReadyNodesAsync(nodes.Select(n => n.Id).ToList(), TimeSpan.FromSeconds(60) + settings.HeartbeatInterval * 2, cancellationToken);
        return nodes;
    }

    public async Task WaitForReadyNodesAsync(IReadOnlyList<Guid> nodeIds, TimeSpan timeout, CancellationToken cancellationToken)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(timeout);
        while (true)
        {
            await using var db = Database();
            var ready = await db.Nodes.CountAsync(n => nodeIds.Contains(n.Id) && n.Status == NodeStatus.Ready, deadline.Token);
            if (ready == nodeIds.Count)
                return;
            await Task.Delay(250, deadline.Token);
        }
    }

    /// <summary>StateStore migrates on start; the bench reads the tables, so it waits for them.</summary>
    private async Task WaitForDatabaseAsync(CancellationToken cancellationToken)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(TimeSpan.FromSeconds(60));
        while (true)
        {
            try
            {
                await using var db = Database();
                await db.Nodes.CountAsync(deadline.Token);
                return;
            }
            catch (Npgsql.PostgresException)
            {
                await Task.Delay(250, deadline.Token);
            }
        }
    }

    private async Task StartHostAsync(IHost host, CancellationToken cancellationToken)
    {
        _hosts.Add(host);
        await host.StartAsync(cancellationToken);
    }

    public async ValueTask DisposeAsync()
    {
        // The control plane goes first: simulated agents stopped before StateStore would be marked Down by it,
        // which would read as false Downs in the log.
        Api?.Dispose();
        if (_api is not null)
            await _api.DisposeAsync();
        foreach (var host in Enumerable.Reverse(_hosts))
        {
            try { await host.StopAsync(); } catch (OperationCanceledException) { }
            host.Dispose();
        }
        foreach (var observer in _observers)
            await observer.DisposeAsync();
        foreach (var pool in _pools)
            await pool.DisposeAsync();
        await Task.WhenAll(_postgres.DisposeAsync().AsTask(), _rabbitMq.DisposeAsync().AsTask());
        Docker.Dispose();
        if (Directory.Exists(_dataRoot))
            Directory.Delete(_dataRoot, recursive: true);
    }
}
