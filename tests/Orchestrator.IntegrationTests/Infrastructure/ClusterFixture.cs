using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Serialization;
using Docker.DotNet;
using Docker.DotNet.Models;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Orchestrator.Contracts;
using Orchestrator.Domain.Tasks;
using Orchestrator.WorkerAgent.Host;
using Orchestrator.WorkerAgent.Runtime;
using TaskState = Orchestrator.Domain.Tasks.TaskState;
using Testcontainers.PostgreSql;
using Testcontainers.RabbitMq;

namespace Orchestrator.IntegrationTests.Infrastructure;

/// <summary>
/// A whole cluster on real parts: Postgres and RabbitMQ in containers, the four services in-process, and the
/// agent driving this machine's Docker engine. Shared by the tests of one collection.
/// </summary>
public sealed class ClusterFixture : IAsyncLifetime
{
    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        Converters = { new JsonStringEnumConverter() },
    };

    private readonly string _agentDataPath = Path.Combine(Path.GetTempPath(), $"orchestrator-test-{Guid.NewGuid():N}");
    private readonly List<IHost> _hosts = [];
    private PostgreSqlContainer _postgres = null!;
    private RabbitMqContainer _rabbitMq = null!;
    private WebApplication _api = null!;

    public ClusterFixture()
    {
        // The reaper image cannot be pulled here, and published ports should be reached on loopback.
        Environment.SetEnvironmentVariable("TESTCONTAINERS_RYUK_DISABLED", "true");
        Environment.SetEnvironmentVariable("TESTCONTAINERS_HOST_OVERRIDE", "127.0.0.1");
    }

    public HttpClient Api { get; private set; } = null!;
    public DockerClient Docker { get; } = new DockerClientConfiguration(new Uri("unix:///var/run/docker.sock")).CreateClient();
    public NodeIdentity Node { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        _postgres = new PostgreSqlBuilder().WithImage(TestImages.Postgres).Build();
        _rabbitMq = new RabbitMqBuilder().WithImage(TestImages.RabbitMq).Build();
        await Task.WhenAll(_postgres.StartAsync(), _rabbitMq.StartAsync());

        var configuration = new Dictionary<string, string?>
        {
            ["ConnectionStrings:orchestratordb"] = _postgres.GetConnectionString(),
            ["ConnectionStrings:messaging"] = _rabbitMq.GetConnectionString(),
            ["Agent:NodeName"] = "test-node",
            ["Agent:DataPath"] = _agentDataPath,
            ["Agent:HeartbeatInterval"] = "00:00:01",
            // No registry is reachable, and tests send no traffic off this machine.
            ["Agent:PullMissingImages"] = "false",
            ["Scheduler:SweepInterval"] = "00:00:01",
            ["Logging:LogLevel:Default"] = "Warning",
        };

        await StartAsync(ServiceHosts.StateStore(configuration));
        await StartAsync(ServiceHosts.Scheduler(configuration));
        var agent = ServiceHosts.WorkerAgent(configuration);
        Node = agent.Services.GetRequiredService<NodeIdentity>();
        await StartAsync(agent);

        _api = ServiceHosts.Api(configuration);
        await _api.StartAsync();
        Api = new HttpClient { BaseAddress = new Uri(_api.Urls.First()) };
        await WaitForNodeReadyAsync();
    }

    public async Task<TaskDetails> SubmitAsync(object spec)
    {
        var response = await Api.PostAsJsonAsync("/api/tasks", spec, Json);
        Assert.Equal(System.Net.HttpStatusCode.Accepted, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<TaskDetails>(Json))!;
    }

    public async Task<TaskDetails> GetTaskAsync(Guid id) =>
        (await Api.GetFromJsonAsync<TaskDetails>($"/api/tasks/{id}", Json))!;

    /// <summary>Polls the Api until the task satisfies <paramref name="condition"/>; fails with the last state seen.</summary>
    public async Task<TaskDetails> WaitForTaskAsync(Guid id, Func<TaskDetails, bool> condition, string description)
    {
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(90));
        TaskDetails task = await GetTaskAsync(id);
        while (!condition(task))
        {
            if (deadline.IsCancellationRequested)
                Assert.Fail($"Task {id} never became {description}; last seen {task.State}: {task.Message}");
            await Task.Delay(200);
            task = await GetTaskAsync(id);
        }
        return task;
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

    private async Task WaitForNodeReadyAsync()
    {
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        while (true)
        {
            var nodes = await Api.GetFromJsonAsync<List<NodeDetails>>("/api/nodes", Json, deadline.Token);
            if (nodes!.Any(n => n.Id == Node.Id && n.Status == Domain.Nodes.NodeStatus.Ready))
                return;
            await Task.Delay(200, deadline.Token);
        }
    }

    private async Task StartAsync(IHost host)
    {
        _hosts.Add(host);
        await host.StartAsync();
    }

    public async Task DisposeAsync()
    {
        Api?.Dispose();
        if (_api is not null)
            await _api.DisposeAsync();
        foreach (var host in Enumerable.Reverse(_hosts))
        {
            await host.StopAsync();
            host.Dispose();
        }
        await RemoveContainersOfThisNodeAsync();
        await Task.WhenAll(_postgres.DisposeAsync().AsTask(), _rabbitMq.DisposeAsync().AsTask());
        Docker.Dispose();
        if (Directory.Exists(_agentDataPath))
            Directory.Delete(_agentDataPath, recursive: true);
    }

    /// <summary>A safety net: whatever a failed test left behind on this node is removed.</summary>
    private async Task RemoveContainersOfThisNodeAsync()
    {
        if (Node is null)
            return;
        var leftovers = await Docker.Containers.ListContainersAsync(new ContainersListParameters
        {
            All = true,
            Filters = new Dictionary<string, IDictionary<string, bool>>
            {
                ["label"] = new Dictionary<string, bool> { [$"{ContainerLabels.NodeId}={Node.Id}"] = true },
            },
        });
        foreach (var container in leftovers)
            await Docker.Containers.RemoveContainerAsync(container.ID, new ContainerRemoveParameters { Force = true });
    }
}

[CollectionDefinition(Name)]
public sealed class ClusterCollection : ICollectionFixture<ClusterFixture>
{
    public const string Name = "cluster";
}
