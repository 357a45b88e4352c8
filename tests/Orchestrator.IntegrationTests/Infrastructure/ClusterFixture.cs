using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Serialization;
using Docker.DotNet;
using Docker.DotNet.Models;
using MassTransit;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Orchestrator.Contracts;
using Orchestrator.Domain.Tasks;
using Orchestrator.Testing;
using Orchestrator.WorkerAgent.Host;
using Orchestrator.WorkerAgent.Runtime;
using TaskState = Orchestrator.Domain.Tasks.TaskState;
using Testcontainers.PostgreSql;
using Testcontainers.RabbitMq;

namespace Orchestrator.IntegrationTests.Infrastructure;

/// <summary>
/// A whole cluster on real parts: Postgres and RabbitMQ in containers, the four services in-process, and the
/// agents driving this machine's Docker engine. Shared by the tests of one collection. Subclasses say how many
/// agents, with what configuration, and how many schedulers.
/// </summary>
public abstract class ClusterFixtureBase : IAsyncLifetime
{
    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        Converters = { new JsonStringEnumConverter() },
    };

    private const string BrokerUser = "orchestrator";

    /// <summary>The Api's one key in a test cluster, under the name "tests".</summary>
    public const string ApiKey = "integration-tests-api-key";

    /// <summary>A key that may only read, under the name "viewer".</summary>
    public const string ReadOnlyApiKey = "integration-tests-read-only-key";
    private readonly string _dataRoot = Path.Combine(Path.GetTempPath(), $"orchestrator-test-{Guid.NewGuid():N}");
    private readonly List<IHost> _hosts = [];
    private readonly Dictionary<string, IHost> _agents = [];
    private readonly List<NodeIdentity> _nodes = [];
    private Dictionary<string, string?> _configuration = [];
    private PostgreSqlContainer _postgres = null!;
    private RabbitMqContainer _rabbitMq = null!;
    private WebApplication _api = null!;

    protected ClusterFixtureBase()
    {
        // The reaper image cannot be pulled here, and published ports should be reached on loopback.
        Environment.SetEnvironmentVariable("TESTCONTAINERS_RYUK_DISABLED", "true");
        Environment.SetEnvironmentVariable("TESTCONTAINERS_HOST_OVERRIDE", "127.0.0.1");
    }

    public HttpClient Api { get; private set; } = null!;
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

    public virtual async Task InitializeAsync()
    {
        var postgres = new PostgreSqlBuilder().WithImage(TestImages.Postgres);
        var rabbitMq = new RabbitMqBuilder().WithImage(TestImages.RabbitMq).WithUsername(BrokerUser).WithPassword(BrokerUser);
        if (KeepsPortsAcrossRestarts)
        {
            postgres = postgres.WithPortBinding(FreeLoopbackPort(), PostgreSqlBuilder.PostgreSqlPort);
            rabbitMq = rabbitMq.WithPortBinding(FreeLoopbackPort(), RabbitMqBuilder.RabbitMqPort);
        }
        _postgres = postgres.Build();
        _rabbitMq = rabbitMq.Build();
        await Task.WhenAll(_postgres.StartAsync(), _rabbitMq.StartAsync());

        _configuration = new Dictionary<string, string?>
        {
            ["ConnectionStrings:orchestratordb"] = _postgres.GetConnectionString(),
            ["ConnectionStrings:messaging"] = _rabbitMq.GetConnectionString(),
            ["Agent:HeartbeatInterval"] = "00:00:01",
            // No registry is reachable, and tests send no traffic off this machine.
            ["Agent:PullMissingImages"] = "false",
            ["Scheduler:SweepInterval"] = "00:00:01",
            ["StateStore:Metrics:RefreshInterval"] = "00:00:01",
            ["StateStore:Jobs:ReconcileInterval"] = "00:00:01",
            ["Logging:LogLevel:Default"] = "Warning",
            ["Api:Keys:tests"] = ApiKey,
            ["Api:ReadOnlyKeys:viewer"] = ReadOnlyApiKey,
        };
        foreach (var (key, value) in ClusterSettings())
            _configuration[key] = value;

        await StartControlPlaneAsync();
        foreach (var name in AgentNames)
            _nodes.Add(await StartAgentAsync(name));
    }

    private async Task StartControlPlaneAsync()
    {
        await StartAsync(InProcessServices.StateStore(_configuration, ServiceHosts.Settings));
        for (var i = 0; i < SchedulerCount; i++)
            await StartAsync(InProcessServices.Scheduler(_configuration, ServiceHosts.Settings));
        _api = InProcessServices.Api(_configuration, ServiceHosts.Settings);
        await _api.StartAsync();
        Api = new HttpClient { BaseAddress = new Uri(_api.Urls.First()) };
        Api.DefaultRequestHeaders.Authorization = new("Bearer", ApiKey);
    }

    /// <summary>
    /// Stops every service, the agents included, and starts new ones on the same database and broker, as a restart
    /// of the AppHost does. The containers keep running in between, and the agents keep their data directories and
    /// so their nodes. The Api listens on a new port afterwards (<see cref="Api"/> follows it).
    /// </summary>
    public async Task RestartAllServicesAsync()
    {
        var agents = _agents.Keys.ToList();
        foreach (var name in agents)
            await StopAgentAsync(name);
        Api.Dispose();
        await _api.StopAsync();
        await _api.DisposeAsync();
        foreach (var host in Enumerable.Reverse(_hosts))
        {
            await host.StopAsync();
            host.Dispose();
        }
        _hosts.Clear();

        await StartControlPlaneAsync();
        foreach (var name in agents)
            await StartAgentAsync(name);
    }

    /// <summary>Every service's settings, e.g. to build one more host against the same broker and database.</summary>
    public IReadOnlyDictionary<string, string?> Configuration => _configuration;

    /// <summary>A request client on the Api's bus, for sending StateStore a request as the Api would.</summary>
    public IRequestClient<T> RequestClient<T>() where T : class =>
        _api.Services.GetRequiredService<IClientFactory>().CreateRequestClient<T>();

    /// <summary>The test's broker as an amqp:// URI on loopback.</summary>
    protected string BrokerConnectionString => _rabbitMq.GetConnectionString();

    public string PostgresConnectionString(string database) =>
        new Npgsql.NpgsqlConnectionStringBuilder(_postgres.GetConnectionString()) { Database = database }.ConnectionString;

    /// <summary>A virtual host of its own on the test's broker, so a second cluster's queues do not mix with this one's.</summary>
    public async Task<string> CreateVirtualHostAsync(string name)
    {
        foreach (var command in new[] { new[] { "rabbitmqctl", "add_vhost", name }, ["rabbitmqctl", "set_permissions", "-p", name, BrokerUser, ".*", ".*", ".*"] })
        {
            var result = await _rabbitMq.ExecAsync(command);
            Assert.True(result.ExitCode == 0, $"{string.Join(' ', command)}: {result.Stderr}");
        }
        return new UriBuilder(_rabbitMq.GetConnectionString()) { Path = "/" + name }.Uri.ToString();
    }

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
        var agent = InProcessServices.WorkerAgent(settings, ServiceHosts.Settings);
        await agent.StartAsync();
        _agents[name] = agent;
        var node = agent.Services.GetRequiredService<NodeIdentity>();
        await WaitForNodeAsync(node.Id, Domain.Nodes.NodeStatus.Ready);
        return node;
    }

    /// <summary>The named agent's services, to reach into it where a test stages what only a race would.</summary>
    public IServiceProvider AgentServices(string name) => _agents[name].Services;

    /// <summary>Ends the named agent as a crash would for the cluster: no more heartbeats, and its containers keep running.</summary>
    public async Task StopAgentAsync(string name)
    {
        var agent = _agents[name];
        _agents.Remove(name);
        await agent.StopAsync();
        agent.Dispose();
    }

    public Task<NodeDetails> WaitForNodeAsync(Guid nodeId, Domain.Nodes.NodeStatus status) =>
        WaitForNodeAsync(node => node.Id == nodeId && node.Status == status);

    /// <summary>Polls the node list until a node matches.</summary>
    public async Task<NodeDetails> WaitForNodeAsync(Func<NodeDetails, bool> match)
    {
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(90));
        while (true)
        {
            // Just after start-up StateStore may not answer yet, and the Api says 503: that is "not yet", too.
            using var response = await Api.GetAsync("/api/nodes", deadline.Token);
            if (response.IsSuccessStatusCode)
            {
                var nodes = await response.Content.ReadFromJsonAsync<List<NodeDetails>>(Json, deadline.Token);
                if (nodes!.FirstOrDefault(match) is { } node)
                    return node;
            }
            await Task.Delay(200, deadline.Token);
        }
    }

    public async Task<TaskDetails> SubmitAsync(object spec)
    {
        var response = await Api.PostAsJsonAsync("/api/tasks", spec, Json);
        Assert.Equal(System.Net.HttpStatusCode.Accepted, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<TaskDetails>(Json))!;
    }

    public async Task<TaskDetails> GetTaskAsync(Guid id) =>
        (await Api.GetFromJsonAsync<TaskDetails>($"/api/tasks/{id}", Json))!;

    /// <summary>
    /// Polls the Api until the task satisfies <paramref name="condition"/>; fails with the last state seen. A 503
    /// (StateStore not answering yet, e.g. while its endpoints reconnect after a broker restart) is "not yet", too.
    /// </summary>
    public async Task<TaskDetails> WaitForTaskAsync(Guid id, Func<TaskDetails, bool> condition, string description)
    {
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(90));
        TaskDetails? task = null;
        while (true)
        {
            using (var response = await Api.GetAsync($"/api/tasks/{id}"))
            {
                if (response.StatusCode != System.Net.HttpStatusCode.ServiceUnavailable)
                    task = (await response.EnsureSuccessStatusCode().Content.ReadFromJsonAsync<TaskDetails>(Json))!;
            }
            if (task is not null && condition(task))
                return task;
            if (deadline.IsCancellationRequested)
                Assert.Fail($"Task {id} never became {description}; last seen {task?.State.ToString() ?? "nothing (503)"}: {task?.Message}");
            await Task.Delay(200);
        }
    }

    public async Task<IReadOnlyList<TaskEventDetails>> EventsAsync(Guid id) =>
        (await Api.GetFromJsonAsync<List<TaskEventDetails>>($"/api/tasks/{id}/events", Json))!;

    /// <summary>Stops a task and waits until it has ended and its container is gone.</summary>
    public async Task<TaskDetails> StopAndWaitAsync(Guid id)
    {
        await Api.DeleteAsync($"/api/tasks/{id}");
        var ended = await WaitForTaskAsync(id, task => TaskStateMachine.IsTerminal(task.State), "finished");
        Assert.Empty(await ContainersOfTaskAsync(id));
        return ended;
    }

    /// <summary>Polls the task list until the tasks with these ids satisfy <paramref name="condition"/> together.</summary>
    public async Task<IReadOnlyList<TaskDetails>> WaitForAllAsync(IReadOnlySet<Guid> ids, Func<IReadOnlyList<TaskDetails>, bool> condition)
    {
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(120));
        while (true)
        {
            var all = await Api.GetFromJsonAsync<List<TaskDetails>>("/api/tasks", Json, deadline.Token);
            var mine = all!.Where(t => ids.Contains(t.Id)).ToList();
            if (mine.Count == ids.Count && condition(mine))
                return mine;
            if (deadline.IsCancellationRequested)
                Assert.Fail("Tasks never settled: " + string.Join("; ", mine.GroupBy(t => (t.State, t.Message)).Select(g => $"{g.Count()} {g.Key.State} {g.Key.Message}")));
            await Task.Delay(300);
        }
    }

    /// <summary>Waits until the task's container has written <paramref name="text"/>, e.g. a signal handler being set.</summary>
    public async Task WaitForLogAsync(Guid id, string text)
    {
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        while (!(await Api.GetStringAsync($"/api/tasks/{id}/logs", deadline.Token)).Contains(text))
            await Task.Delay(100, deadline.Token);
    }

    /// <summary>Stops the tasks and waits until every one has ended.</summary>
    public async Task StopAllAsync(IEnumerable<Guid> ids)
    {
        var list = ids.ToList();
        await Task.WhenAll(list.Select(id => Api.DeleteAsync($"/api/tasks/{id}")));
        await WaitForAllAsync(list.ToHashSet(), ts => ts.All(t => TaskStateMachine.IsTerminal(t.State)));
    }

    public static async Task WaitUntilAsync(Func<Task<bool>> condition)
    {
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(90));
        while (!await condition())
            await Task.Delay(300, deadline.Token);
    }

    public Task<TaskDetails> WaitForStateAsync(Guid id, TaskState state) =>
        WaitForTaskAsync(id, task => task.State == state, state.ToString());

    public async Task<IList<ContainerListResponse>> ContainersOfTaskAsync(Guid taskId) =>
        await Docker.Containers.ListContainersAsync(new ContainersListParameters
        {
            All = true,
            Filters = new Dictionary<string, IDictionary<string, bool>>
            {
                ["label"] = new Dictionary<string, bool> { [$"{ContainerLabels.TaskId}={taskId}"] = true },
            },
        });

    /// <summary>Restarts the broker's container (a clean stop, as an upgrade would) and waits until it serves again.</summary>
    public async Task RestartBrokerAsync()
    {
        await Docker.Containers.RestartContainerAsync(_rabbitMq.Id, new ContainerRestartParameters { WaitBeforeKillSeconds = 30 });
        await WaitUntilAsync(async () => (await _rabbitMq.ExecAsync(["rabbitmqctl", "await_startup"])).ExitCode == 0);
    }

    /// <summary>
    /// Freezes the broker's container: its connections stay open but nothing is answered, as when a broker stops
    /// reading from publishers (a memory or disk alarm) or its host stalls.
    /// </summary>
    /// <summary>How to run rabbitmqctl against the test broker from this machine's shell.</summary>
    public string BrokerCtl => $"docker exec {_rabbitMq.Id} rabbitmqctl";

    public Task PauseBrokerAsync() => Docker.Containers.PauseContainerAsync(_rabbitMq.Id);

    public Task UnpauseBrokerAsync() => Docker.Containers.UnpauseContainerAsync(_rabbitMq.Id);

    /// <summary>Messages waiting in a queue of the broker, 0 for a queue that does not exist.</summary>
    public Task<int> QueueDepthAsync(string queue) => QueueColumnAsync(queue, "messages");

    /// <summary>Consumers the broker has on a queue, 0 for a queue that does not exist.</summary>
    public Task<int> QueueConsumersAsync(string queue) => QueueColumnAsync(queue, "consumers");

    private async Task<int> QueueColumnAsync(string queue, string column)
    {
        var listed = await _rabbitMq.ExecAsync(["rabbitmqctl", "--quiet", "list_queues", "name", column]);
        return listed.Stdout.Split('\n')
            .Select(line => line.Split('\t'))
            .Where(columns => columns.Length == 2 && columns[0] == queue)
            .Select(columns => int.Parse(columns[1], System.Globalization.CultureInfo.InvariantCulture))
            .SingleOrDefault();
    }

    /// <summary>Restarts the database's container and waits until it accepts connections again.</summary>
    public async Task RestartDatabaseAsync()
    {
        await Docker.Containers.RestartContainerAsync(_postgres.Id, new ContainerRestartParameters { WaitBeforeKillSeconds = 30 });
        await WaitForDatabaseAsync();
    }

    /// <summary>Stops the database's container (a fast shutdown), leaving it down until <see cref="StartDatabaseAsync"/>.</summary>
    public Task StopDatabaseAsync() =>
        Docker.Containers.StopContainerAsync(_postgres.Id, new ContainerStopParameters { WaitBeforeKillSeconds = 30 });

    public async Task StartDatabaseAsync()
    {
        await Docker.Containers.StartContainerAsync(_postgres.Id, new ContainerStartParameters());
        await WaitForDatabaseAsync();
    }

    private Task WaitForDatabaseAsync() =>
        WaitUntilAsync(async () => (await _postgres.ExecAsync(["pg_isready", "--host", "localhost"])).ExitCode == 0);

    /// <summary>
    /// Runs a statement on the cluster's database behind StateStore's back, to stage what only a fault would
    /// otherwise leave behind (a report that never arrived).
    /// </summary>
    public async Task ExecuteSqlAsync(string sql)
    {
        // A connection of its own, not a pooled one: a pooled connection left from an earlier statement would have
        // died with a database restart staged by another test in between.
        var unpooled = new Npgsql.NpgsqlConnectionStringBuilder(_postgres.GetConnectionString()) { Pooling = false };
        await using var connection = new Npgsql.NpgsqlConnection(unpooled.ConnectionString);
        await connection.OpenAsync();
        await using var command = new Npgsql.NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }

    /// <summary>A port nothing listens on at the moment, on 127.0.0.1.</summary>
    public static int FreeLoopbackPort()
    {
        using var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        return ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
    }

    private async Task StartAsync(IHost host)
    {
        _hosts.Add(host);
        await host.StartAsync();
    }

    public virtual async Task DisposeAsync()
    {
        Api?.Dispose();
        if (_api is not null)
            await _api.DisposeAsync();
        foreach (var name in _agents.Keys.ToList())
            await StopAgentAsync(name);
        foreach (var host in Enumerable.Reverse(_hosts))
        {
            await host.StopAsync();
            host.Dispose();
        }
        foreach (var node in _nodes)
            await RemoveContainersOfNodeAsync(node.Id);
        await Task.WhenAll(_postgres.DisposeAsync().AsTask(), _rabbitMq.DisposeAsync().AsTask());
        Docker.Dispose();
        if (Directory.Exists(_dataRoot))
            Directory.Delete(_dataRoot, recursive: true);
    }

    /// <summary>A safety net: whatever a failed test left behind on the test's nodes is removed.</summary>
    public async Task RemoveContainersOfNodeAsync(Guid nodeId)
    {
        var leftovers = await Docker.Containers.ListContainersAsync(new ContainersListParameters
        {
            All = true,
            Filters = new Dictionary<string, IDictionary<string, bool>>
            {
                ["label"] = new Dictionary<string, bool> { [$"{ContainerLabels.NodeId}={nodeId}"] = true },
            },
        });
        foreach (var container in leftovers)
            await Docker.Containers.RemoveContainerAsync(container.ID, new ContainerRemoveParameters { Force = true });
    }
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
