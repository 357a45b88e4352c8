using System.Text;
using Docker.DotNet;
using Orchestrator.IntegrationTests.Infrastructure;
using RabbitMQ.Client;
using Xunit.Abstractions;

namespace Orchestrator.IntegrationTests;

/// <summary>
/// The parts the high-availability fault tests are built from do what those tests take for granted: a broker
/// cluster whose quorum queues outlive a node, a Postgres standby that takes over from its primary, and services
/// run as processes that a test can kill.
/// </summary>
[Collection(HaInfrastructureCollection.Name)]
public sealed class HaInfrastructureTests : IDisposable
{
    private readonly DockerClient _docker = new DockerClientConfiguration(new Uri("unix:///var/run/docker.sock")).CreateClient();
    private readonly ITestOutputHelper _output;

    public HaInfrastructureTests(ITestOutputHelper output) => _output = output;

    [Fact]
    public async Task A_quorum_queue_keeps_a_published_message_when_the_node_that_led_it_is_killed()
    {
        await using var cluster = new TestBrokerCluster(_docker);
        await TimedAsync($"a broker cluster of {TestBrokerCluster.Size} nodes started", cluster.StartAsync);
        const string queue = "ha-smoke";
        await using (var connection = await new ConnectionFactory { Uri = new Uri(cluster.NodeConnectionString(0)) }.CreateConnectionAsync())
        await using (var channel = await connection.CreateChannelAsync(new CreateChannelOptions(
            publisherConfirmationsEnabled: true, publisherConfirmationTrackingEnabled: true)))
        {
            await channel.QueueDeclareAsync(queue, durable: true, exclusive: false, autoDelete: false,
                arguments: new Dictionary<string, object?> { ["x-queue-type"] = "quorum" });
            // Confirmed: the queue's majority has it before the publish returns.
            await channel.BasicPublishAsync("", queue, mandatory: true, new BasicProperties { Persistent = true }, Encoding.UTF8.GetBytes("kept"));
        }
        Assert.Equal("quorum", await cluster.QueueTypeAsync(queue));
        var leader = TestBrokerCluster.NodeIndex((await cluster.QueueLeaderAsync(queue))!);

        await cluster.KillNodeAsync(leader);

        var survivor = Enumerable.Range(0, TestBrokerCluster.Size).First(i => i != leader);
        string? body = null;
        await TimedAsync("the message read from a new leader after the old one was killed", () => Poll.UntilAsync(async () =>
        {
            try
            {
                await using var connection = await new ConnectionFactory { Uri = new Uri(cluster.NodeConnectionString(survivor)) }.CreateConnectionAsync();
                await using var channel = await connection.CreateChannelAsync();
                // Not acknowledged: the message goes back to the queue when the channel closes.
                body = await channel.BasicGetAsync(queue, autoAck: false) is { } message ? Encoding.UTF8.GetString(message.Body.Span) : null;
            }
            catch (RabbitMQ.Client.Exceptions.OperationInterruptedException)
            {
                // The queue has no leader until the remaining members have elected one.
            }
            return body is not null;
        }));
        Assert.Equal("kept", body);
        Assert.NotEqual(leader, TestBrokerCluster.NodeIndex((await cluster.QueueLeaderAsync(queue))!));

        await TimedAsync("the killed node back in the cluster", () => cluster.StartNodeAsync(leader));
        Assert.False(cluster.IsDown(leader));
        await Poll.UntilAsync(async () => await cluster.QueueDepthAsync(queue) == 1);
    }

    [Fact]
    public async Task The_standby_has_what_the_primary_wrote_and_once_promoted_takes_writes_through_the_multi_host_connection_string()
    {
        await using var pair = new TestDatabasePair(_docker);
        await TimedAsync("a primary and its streaming standby started", pair.StartAsync);
        await pair.ExecuteSqlAsync("CREATE TABLE ha_smoke (note text); INSERT INTO ha_smoke VALUES ('before');");
        await pair.WaitForStandbyReplayAsync();
        Assert.Equal("before", await pair.StandbyScalarAsync<string>("SELECT string_agg(note, ',') FROM ha_smoke"));

        await pair.KillPrimaryAsync();
        await TimedAsync("the standby promoted", pair.PromoteStandbyAsync);
        await pair.ExecuteSqlAsync("INSERT INTO ha_smoke VALUES ('after');");

        Assert.Equal("before,after", await pair.StandbyScalarAsync<string>("SELECT string_agg(note, ',' ORDER BY note DESC) FROM ha_smoke"));
    }

    [Fact]
    public async Task A_StateStore_process_starts_stops_on_SIGTERM_starts_again_and_is_gone_after_SIGKILL()
    {
        await using var database = new TestDatabase(_docker, hostPort: null);
        await using var broker = new TestBroker(_docker, hostPort: null);
        await Task.WhenAll(database.StartAsync(), broker.StartAsync());
        await using var stateStore = new ServiceProcess(OrchestratorService.StateStore,
            ServiceSettings.For(database.ConnectionString, broker.ConnectionString));

        await TimedAsync("StateStore started as a process", stateStore.StartAsync);
        Assert.True(stateStore.IsRunning, stateStore.Output());
        await stateStore.StopAsync();
        Assert.True(stateStore.ExitCode == 0, $"exit code {stateStore.ExitCode}:\n{stateStore.Output()}");

        await stateStore.StartAsync();
        var pid = stateStore.Pid!.Value;
        await stateStore.KillAsync();

        Assert.False(stateStore.IsRunning);
        Assert.Equal(137, stateStore.ExitCode); // 128 + SIGKILL
        Assert.False(Directory.Exists($"/proc/{pid}"), $"process {pid} is still there");
    }

    [Fact]
    public async Task An_Api_process_is_ready_when_healthy_and_answers_from_a_StateStore_process()
    {
        await using var database = new TestDatabase(_docker, hostPort: null);
        await using var broker = new TestBroker(_docker, hostPort: null);
        await Task.WhenAll(database.StartAsync(), broker.StartAsync());
        var settings = ServiceSettings.For(database.ConnectionString, broker.ConnectionString);
        await using var stateStore = new ServiceProcess(OrchestratorService.StateStore, settings);
        await using var api = new ServiceProcess(OrchestratorService.Api, settings);
        await Task.WhenAll(stateStore.StartAsync(), api.StartAsync());

        using var client = new ApiClient(api.ApiAddress!, ClusterFixtureBase.ApiKey);
        // Started is not yet consuming: until StateStore's bus has bound its queues, the Api says 503, "not yet".
        string? listed = null;
        await Poll.UntilAsync(async () =>
        {
            using var nodes = await client.Http.GetAsync("/api/nodes");
            listed = nodes.IsSuccessStatusCode ? await nodes.Content.ReadAsStringAsync() : null;
            return nodes.StatusCode != System.Net.HttpStatusCode.ServiceUnavailable;
        });

        Assert.True(listed == "[]", $"{listed}\n{api.Output()}\n{stateStore.Output()}");
    }

    [Fact]
    public async Task The_broker_cluster_names_the_one_active_consumer_of_a_single_active_consumer_queue_and_its_process()
    {
        await using var cluster = new TestBrokerCluster(_docker);
        await cluster.StartAsync();
        const string queue = "ha-smoke-single-active";
        // MassTransit announces its process id this way; a bare client announces it here by hand.
        var factory = new ConnectionFactory
        {
            Uri = new Uri(cluster.NodeConnectionString(1)),
            ClientProperties = new Dictionary<string, object?> { ["process_id"] = Environment.ProcessId.ToString(System.Globalization.CultureInfo.InvariantCulture) },
        };
        await using var connection = await factory.CreateConnectionAsync();
        await using var channel = await connection.CreateChannelAsync();
        await channel.QueueDeclareAsync(queue, durable: true, exclusive: false, autoDelete: false,
            arguments: new Dictionary<string, object?> { ["x-queue-type"] = "quorum", ["x-single-active-consumer"] = true });
        foreach (var tag in new[] { "first", "second" })
            await channel.BasicConsumeAsync(queue, autoAck: false, tag, new RabbitMQ.Client.Events.AsyncEventingBasicConsumer(channel));

        await Poll.UntilAsync(async () => (await cluster.ConsumersAsync(queue)).Count == 2);
        var active = await cluster.ActiveConsumerAsync(queue);

        Assert.Equal(("first", "single_active", Environment.ProcessId), (active?.Tag, active?.ActivityStatus, active?.ClientProcessId));
        // The queue's own count comes from the broker's statistics, a few seconds behind its consumers.
        await Poll.UntilAsync(async () => await cluster.QueueConsumersAsync(queue) == 2);
    }

    /// <summary>Runs a step and prints how long it took: what the fault tests' set-up and recoveries cost here.</summary>
    private async Task TimedAsync(string step, Func<Task> run)
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        await run();
        _output.WriteLine($"{step}: {clock.Elapsed.TotalSeconds:F1} s");
    }

    public void Dispose() => _docker.Dispose();
}

[CollectionDefinition(Name)]
public sealed class HaInfrastructureCollection
{
    public const string Name = "ha infrastructure";
}
