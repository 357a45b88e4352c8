using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using Docker.DotNet;
using Orchestrator.Contracts;
using Orchestrator.Domain.Nodes;
using Orchestrator.Domain.Tasks;
using Orchestrator.WorkerAgent.Runtime;

namespace Orchestrator.IntegrationTests.Infrastructure;

/// <summary>
/// A highly available control plane as an operator runs one, every piece a real process or container that a test
/// can kill: a RabbitMQ cluster of three, Postgres with a streaming standby, two of each service (StateStore,
/// Scheduler, Api) and two agents, each a process of its own. Shared by the fault matrix's cases, each of which
/// leaves it whole again (<see cref="RestoreAsync"/>) but for a promoted standby, which stays the only database.
/// </summary>
public sealed class FaultMatrixCluster : IAsyncLifetime
{
    public const int Replicas = 2;

    private readonly DockerClient _docker = new DockerClientConfiguration(new Uri("unix:///var/run/docker.sock")).CreateClient();
    private readonly string _dataRoot = Path.Combine(Path.GetTempPath(), $"orchestrator-faults-{Guid.NewGuid():N}");
    private readonly List<ServiceProcess> _processes = [];
    private ApiClient[] _clients = [];

    /// <summary>
    /// The matrix runs only when asked (<c>ORCHESTRATOR_FAULT_MATRIX=1</c>), as CI does after the quick suite: it
    /// takes about ten minutes on its own.
    /// </summary>
    public static bool Enabled => Environment.GetEnvironmentVariable("ORCHESTRATOR_FAULT_MATRIX") == "1";

    public const string DisabledReason = "The fault matrix runs apart: ORCHESTRATOR_FAULT_MATRIX=1 dotnet test tests/Orchestrator.IntegrationTests --filter FullyQualifiedName~FaultMatrix";

    public FaultMatrixCluster() => Containers = new EngineContainers(_docker);

    public TestBrokerCluster Broker { get; private set; } = null!;

    public TestDatabasePair Database { get; private set; } = null!;

    public EngineContainers Containers { get; }

    public IReadOnlyList<ServiceProcess> StateStores { get; private set; } = [];

    public IReadOnlyList<ServiceProcess> Schedulers { get; private set; } = [];

    public IReadOnlyList<ServiceProcess> Apis { get; private set; } = [];

    public IReadOnlyList<ServiceProcess> Agents { get; private set; } = [];

    /// <summary>A client of each Api, in the order of <see cref="Apis"/>.</summary>
    public IReadOnlyList<ApiClient> Clients => _clients;

    /// <summary>How often a supervised service ended itself and was started again, over all of them.</summary>
    public int Restarts => _processes.Sum(process => process.Restarts);

    /// <summary>Whether the Postgres primary has been killed and its standby promoted: then no standby is left.</summary>
    public bool StandbyPromoted { get; set; }

    public async Task InitializeAsync()
    {
        if (!Enabled)
            return;
        Broker = new TestBrokerCluster(_docker);
        Database = new TestDatabasePair(_docker);
        await Task.WhenAll(Broker.StartAsync(), Database.StartAsync());
        var settings = ServiceSettings.For(Database.ConnectionString, Broker.ConnectionString);
        // A StateStore that dies hands its singletons on within seconds, so a case sees the move, not its wait.
        settings["StateStore:Leadership:LeaseTtl"] = "00:00:04";
        settings["StateStore:Leadership:RenewInterval"] = "00:00:01";
        // Longer than the agents take to report again after the control plane comes back.
        settings["StateStore:Liveness:StartupGrace"] = "00:00:20";
        // A burst of 50 is admitted at once.
        settings["StateStore:Admission:MaxPending"] = "1000";
        // Twice the default: the lost-StartTask case keeps its agent away (stopped, then started again, 10 to 13 s
        // here) and needs its node to stay Ready throughout, on a slower machine too.
        settings["StateStore:Liveness:NodeTtl"] = "00:00:30";

        StateStores = Enumerable.Range(0, Replicas).Select(_ => Add(OrchestratorService.StateStore, settings)).ToList();
        Schedulers = Enumerable.Range(0, Replicas).Select(_ => Add(OrchestratorService.Scheduler, settings)).ToList();
        Apis = Enumerable.Range(0, Replicas).Select(_ => Add(OrchestratorService.Api, settings)).ToList();
        Agents = Enumerable.Range(0, Replicas).Select(i => Add(OrchestratorService.WorkerAgent, new Dictionary<string, string?>(settings)
        {
            ["Agent:NodeName"] = $"fault-node-{i}",
            ["Agent:DataPath"] = Path.Combine(_dataRoot, $"fault-node-{i}"),
            ["Agent:Capacity:Cpu"] = "8",
            ["Agent:Capacity:MemoryMb"] = "8192",
            ["Agent:Capacity:DiskMb"] = "20480",
        })).ToList();
        _clients = Apis.Select(api => new ApiClient(api.ApiAddress!, ClusterFixtureBase.ApiKey)).ToArray();

        // StateStore first: it migrates the database, which the others' first requests need.
        await Task.WhenAll(StateStores.Select(process => process.StartAsync()));
        await Task.WhenAll(Schedulers.Concat(Apis).Concat(Agents).Select(process => process.StartAsync()));
        await WaitForAgentsReadyAsync();
    }

    private ServiceProcess Add(OrchestratorService service, IReadOnlyDictionary<string, string?> settings)
    {
        // Under a supervisor, as an operator runs them: a service whose bus stalled ends itself to be started afresh.
        var process = new ServiceProcess(service, settings) { Supervised = true };
        _processes.Add(process);
        return process;
    }

    /// <summary>Starts whatever a case stopped or killed (services, agents, broker nodes) and waits until both nodes are Ready.</summary>
    public async Task RestoreAsync()
    {
        for (var i = 0; i < TestBrokerCluster.Size; i++)
            if (Broker.IsDown(i))
                await Broker.StartNodeAsync(i);
        await Task.WhenAll(_processes.Where(process => !process.IsRunning).Select(process => process.StartAsync()));
        await WaitForAgentsReadyAsync();
    }

    private async Task WaitForAgentsReadyAsync()
    {
        for (var i = 0; i < Agents.Count; i++)
        {
            var name = $"fault-node-{i}";
            await Clients[0].WaitForNodeAsync(node => node.Name == name && node.Status == NodeStatus.Ready);
        }
    }

    /// <summary>
    /// Submits <paramref name="count"/> long-running tasks, a few at a time, to the Apis in turn; a submission that an
    /// Api does not answer, or answers with a 5xx or a 429, is sent again to the other, with the same idempotency key. <paramref name="afterAccepted"/>
    /// runs (once, without being awaited by the submissions) when a fifth of them have been accepted: the fault.
    /// Returns the accepted tasks' ids.
    /// </summary>
    public async Task<IReadOnlySet<Guid>> SubmitBurstAsync(string prefix, int count, Func<Task>? afterAccepted = null)
    {
        var accepted = new System.Collections.Concurrent.ConcurrentBag<Guid>();
        Task? fault = null;
        var gate = new object();
        await Parallel.ForEachAsync(Enumerable.Range(0, count), new ParallelOptions { MaxDegreeOfParallelism = 5 }, async (i, _) =>
        {
            var spec = new
            {
                name = $"{prefix}-{i}",
                image = TestImages.Workload,
                command = new[] { "sleep", "3600" },
                resources = new { cpu = 0.01, memoryMb = 16 },
            };
            accepted.Add(await SubmitOnceAcceptedAsync(spec, i));
            lock (gate)
            {
                if (afterAccepted is not null && fault is null && accepted.Count >= count / 5)
                    fault = Task.Run(afterAccepted);
            }
        });
        if (fault is not null)
            await fault;
        return accepted.ToHashSet();
    }

    private async Task<Guid> SubmitOnceAcceptedAsync(object spec, int turn)
    {
        using var deadline = new CancellationTokenSource(TimeSpan.FromMinutes(3));
        string? last = null;
        // One key for every attempt: an attempt the Api applied but could not answer is found again, not made twice.
        var key = Guid.NewGuid().ToString("N");
        for (var attempt = turn; !deadline.IsCancellationRequested; attempt++)
        {
            var client = Clients[attempt % Clients.Count];
            try
            {
                using var response = await client.Http.PostTaskAsync(spec, key, deadline.Token);
                if (response.StatusCode == HttpStatusCode.Accepted)
                    return (await response.Content.ReadFromJsonAsync<TaskDetails>(ApiClient.Json, deadline.Token))!.Id;
                last = $"{(int)response.StatusCode} {await response.Content.ReadAsStringAsync(deadline.Token)}";
                Assert.True((int)response.StatusCode >= 500 || response.StatusCode == HttpStatusCode.TooManyRequests, $"A submission was refused: {last}");
            }
            catch (HttpRequestException error)
            {
                last = error.Message;
            }
            await Task.Delay(500, deadline.Token).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }
        throw new TimeoutException($"No Api accepted a submission in 3 minutes; the last answer: {last}");
    }

    /// <summary>The tasks with these ids, from whichever Api answers.</summary>
    public async Task<IReadOnlyList<TaskDetails>> TasksAsync(IReadOnlySet<Guid> ids) =>
        (await AllTasksAsync()).Where(task => ids.Contains(task.Id)).ToList();

    /// <summary>
    /// The ids of the burst's tasks that were not among those accepted: a second task made by a submission the Api
    /// applied but could not answer (it was killed), sent again to the other. None, with idempotency keys.
    /// </summary>
    public async Task<IReadOnlySet<Guid>> DuplicatesAsync(string prefix, IReadOnlySet<Guid> accepted) =>
        (await AllTasksAsync()).Where(task => task.Name.StartsWith(prefix + "-", StringComparison.Ordinal) && !accepted.Contains(task.Id))
            .Select(task => task.Id).ToHashSet();

    private async Task<IReadOnlyList<TaskDetails>> AllTasksAsync()
    {
        foreach (var client in Clients)
        {
            try
            {
                using var response = await client.Http.GetAsync($"/api/tasks?limit={ListTasks.MaxLimit}");
                if (response.IsSuccessStatusCode)
                    return (await response.Content.ReadFromJsonAsync<List<TaskDetails>>(ApiClient.Json))!;
            }
            catch (HttpRequestException)
            {
            }
        }
        return [];
    }

    /// <summary>Waits until every task is Running, and returns how long that took from <paramref name="since"/>.</summary>
    public async Task<TimeSpan> WaitUntilAllRunningAsync(IReadOnlySet<Guid> ids, Stopwatch since)
    {
        using var deadline = new CancellationTokenSource(TimeSpan.FromMinutes(4));
        IReadOnlyList<TaskDetails> tasks = [];
        while (!deadline.IsCancellationRequested)
        {
            tasks = await TasksAsync(ids);
            if (tasks.Count == ids.Count && tasks.All(task => task.State == TaskState.Running))
                return since.Elapsed;
            await Task.Delay(250);
        }
        // The verdict last: CI keeps a failure's tail.
        Assert.Fail($"{Diagnostics()}\nNot every task became Running: {tasks.Count} of {ids.Count} listed; " +
            string.Join("; ", tasks.GroupBy(task => (task.State, task.Message)).Select(group => $"{group.Count()} {group.Key.State} {group.Key.Message}")));
        return default;
    }

    /// <summary>
    /// Each task ran once: one container for each attempt, on all nodes together, and exactly one running, the one the
    /// task names.
    /// </summary>
    public async Task AssertEachRanOnceAsync(IReadOnlyList<TaskDetails> tasks)
    {
        foreach (var task in tasks)
        {
            var containers = await Containers.OfTaskAsync(task.Id);
            var perAttempt = containers.GroupBy(container => container.Labels[ContainerLabels.Attempt]).Where(group => group.Count() > 1).ToList();
            Assert.True(perAttempt.Count == 0, $"Task {task.Name} has {string.Join(", ", perAttempt.Select(g => $"{g.Count()} containers for attempt {g.Key}"))}");
            var running = containers.Where(container => container.State == "running").ToList();
            Assert.True(running.Count == 1 && task.ContainerId is { } named && running[0].ID.StartsWith(named, StringComparison.Ordinal),
                $"Task {task.Name} (container {task.ContainerId}) has {running.Count} running containers: {string.Join(", ", running.Select(c => c.ID[..12]))}");
        }
    }

    /// <summary>Waits until each of the tasks has exactly one running container, on whichever node.</summary>
    public Task WaitUntilEachRunsOneContainerAsync(IReadOnlySet<Guid> ids) => Poll.UntilAsync(async () =>
    {
        foreach (var id in ids)
            if ((await Containers.OfTaskAsync(id)).Count(container => container.State == "running") != 1)
                return false;
        return true;
    });

    /// <summary>Stops the tasks through the Api and checks that none of their containers is left behind.</summary>
    public async Task StopAndAssertNoContainerLeftAsync(IReadOnlySet<Guid> ids)
    {
        await Task.WhenAll(ids.Select(async id =>
        {
            foreach (var client in Clients)
            {
                try
                {
                    using var response = await client.Http.DeleteAsync($"/api/tasks/{id}");
                    if (response.IsSuccessStatusCode)
                        return;
                }
                catch (HttpRequestException)
                {
                }
            }
        }));
        await Poll.UntilAsync(async () => (await TasksAsync(ids)).All(task => TaskStateMachine.IsTerminal(task.State)));
        var left = new List<string>();
        await Poll.UntilAsync(async () =>
        {
            left.Clear();
            foreach (var id in ids)
                left.AddRange((await Containers.OfTaskAsync(id)).Where(container => container.State == "running").Select(container => container.Names.FirstOrDefault() ?? container.ID));
            return left.Count == 0;
        });
    }

    /// <summary>When each of the tasks' running containers started, by container id: unchanged means never restarted.</summary>
    public async Task<IReadOnlyDictionary<string, string>> ContainerStartsAsync(IReadOnlyList<TaskDetails> tasks)
    {
        var starts = new Dictionary<string, string>();
        foreach (var task in tasks)
        {
            var inspected = await _docker.Containers.InspectContainerAsync(task.ContainerId!);
            starts[inspected.ID] = inspected.State.StartedAt;
            Assert.True(inspected.State.Running, $"Task {task.Name}'s container {inspected.ID[..12]} is not running: {inspected.State.Status}");
        }
        return starts;
    }

    /// <summary>The services' last lines, for a failing case's message.</summary>
    public string Diagnostics() => string.Join('\n', _processes.Select((process, i) =>
        $"--- {process.Service} #{i} ({(process.IsRunning ? "running" : $"exited {process.ExitCode}")}, started again {process.Restarts} times):\n{process.Output(15)}"));

    public async Task DisposeAsync()
    {
        foreach (var client in _clients)
            client.Dispose();
        foreach (var process in _processes)
            await process.DisposeAsync();
        foreach (var agent in Agents.Select((_, i) => Path.Combine(_dataRoot, $"fault-node-{i}", "node-id")).Where(File.Exists))
            await Containers.RemoveOfNodeAsync(Guid.Parse(await File.ReadAllTextAsync(agent)));
        if (Broker is not null)
            await Broker.DisposeAsync();
        if (Database is not null)
            await Database.DisposeAsync();
        if (Directory.Exists(_dataRoot))
            Directory.Delete(_dataRoot, recursive: true);
        _docker.Dispose();
    }
}

/// <summary>A case of the fault matrix: skipped unless <see cref="FaultMatrixCluster.Enabled"/>.</summary>
public sealed class FaultMatrixFactAttribute : FactAttribute
{
    public FaultMatrixFactAttribute()
    {
        if (!FaultMatrixCluster.Enabled)
            Skip = FaultMatrixCluster.DisabledReason;
    }
}

[CollectionDefinition(Name)]
public sealed class FaultMatrixCollection : ICollectionFixture<FaultMatrixCluster>
{
    public const string Name = "fault matrix";
}
