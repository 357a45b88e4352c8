using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Orchestrator.Contracts;
using Orchestrator.Domain.Tasks;
using Orchestrator.IntegrationTests.Infrastructure;
using Orchestrator.WorkerAgent;
using Orchestrator.WorkerAgent.Host;
using Orchestrator.WorkerAgent.Runtime;
using RabbitMQ.Client;
using RabbitMQ.Client.Events;
using RabbitMQ.Client.Exceptions;

namespace Orchestrator.IntegrationTests;

/// <summary>
/// A worker host with its own broker user (<c>deploy/rabbitmq/add-agent-user.sh</c>) runs its tasks as any agent
/// does, and its credentials open nothing else: not another node's commands, not StateStore's requests.
/// </summary>
[Collection(MultiNodeClusterCollection.Name)]
public sealed class AgentBrokerCredentialsTests(MultiNodeClusterFixture cluster)
{
    private const string NodeName = "node-own-user";
    private const int AccessRefused = 403;

    [Fact]
    public async Task An_agent_with_its_own_broker_user_runs_logs_and_stops_a_task_and_can_reach_nothing_else()
    {
        var issued = await AddAgentUserAsync(NodeName);
        var nodeId = Guid.Parse(issued["Agent__NodeId"]);
        var broker = new UriBuilder(cluster.Configuration["ConnectionStrings:messaging"]!)
        {
            UserName = issued["AGENT_BROKER_USER"],
            Password = issued["AGENT_BROKER_PASSWORD"],
        }.Uri;

        var node = await cluster.StartAgentAsync(NodeName, new Dictionary<string, string?>
        {
            ["ConnectionStrings:messaging"] = broker.ToString(),
            ["Agent:NodeId"] = nodeId.ToString(),
        });
        try
        {
            Assert.Equal(nodeId, node.Id);
            var task = await cluster.SubmitAsync(new
            {
                name = "own-user-task",
                image = TestImages.Workload,
                command = new[] { "sh", "-c", "echo reached through its own user; sleep 600" },
                resources = new { cpu = 0.25m, memoryMb = 32 },
                stopTimeoutSeconds = 0,
                nodeId,
            });
            var running = await cluster.WaitForStateAsync(task.Id, TaskState.Running);
            await cluster.WaitForLogAsync(task.Id, "reached through its own user");
            await AssertForgedExitsAreIgnoredAsync(running);
            await AssertPullCredentialsReachItAsync(running);
            Assert.Equal(TaskState.Completed, (await cluster.StopAndWaitAsync(task.Id)).State);

            await using var connection = await new ConnectionFactory { Uri = broker }.CreateConnectionAsync();
            Assert.Equal(AccessRefused, await RefusalOfConsumingAsync(connection, AgentQueue.Name(cluster.Nodes[0].Id)));
            Assert.Equal(AccessRefused, await RefusalOfPublishingAsync(connection, "Orchestrator.Contracts:SubmitTask"));
        }
        finally
        {
            await cluster.StopAgentAsync(NodeName);
            // Down before the next test of the collection, which may expect its tasks spread over the fixture's
            // three nodes only (an empty Ready node would draw them).
            await cluster.WaitForNodeAsync(nodeId, Domain.Nodes.NodeStatus.Down);
            // A test that failed half-way leaves its task's container behind; this node is not one the fixture cleans.
            await cluster.RemoveContainersOfNodeAsync(nodeId);
            await RemoveAgentUserAsync(nodeId);
        }
    }

    /// <summary>
    /// The request the agent makes before a pull goes out through its own user, to an exchange the user may write;
    /// StateStore answers it as from the task's node, and the password opens with the key the agent sent.
    /// </summary>
    private async Task AssertPullCredentialsReachItAsync(TaskDetails running)
    {
        var password = $"pw-{Guid.NewGuid():N}";
        var stored = await cluster.Api.PutAsJsonAsync($"/api/registries/{ImageReference.DefaultRegistry}", new { username = "deploy", password });
        try
        {
            Assert.True(stored.IsSuccessStatusCode, await stored.Content.ReadAsStringAsync());
            var credentials = cluster.AgentServices(NodeName).GetRequiredService<IPullCredentials>();
            var launch = new ContainerLaunch(running.Id, running.Attempt, new TaskSpec { Name = running.Name, Image = running.Image });

            var auth = await credentials.ForAsync(launch, CancellationToken.None);

            Assert.Equal((ImageReference.DefaultRegistry, "deploy", password), (auth?.ServerAddress, auth?.Username, auth?.Password));
        }
        finally
        {
            await cluster.Api.DeleteAsync($"/api/registries/{ImageReference.DefaultRegistry}");
        }
    }

    /// <summary>
    /// Another host's own user reports the task as exited, once naming itself and once naming no user; StateStore
    /// believes neither: it drops both with a warning, the report queue goes on, and the task runs on.
    /// </summary>
    private async Task AssertForgedExitsAreIgnoredAsync(TaskDetails running)
    {
        var forger = await AddAgentUserAsync("node-forger");
        var forgerId = Guid.Parse(forger["Agent__NodeId"]);
        var queue = TaskReportQueue.For(running.Id);
        try
        {
            var warned = IgnoredReports(running).Count;
            var broker = new UriBuilder(cluster.Configuration["ConnectionStrings:messaging"]!)
            {
                UserName = forger["AGENT_BROKER_USER"],
                Password = forger["AGENT_BROKER_PASSWORD"],
            }.Uri;
            await using var connection = await new ConnectionFactory { Uri = broker }.CreateConnectionAsync();
            await using var channel = await connection.CreateChannelAsync(
                new CreateChannelOptions(publisherConfirmationsEnabled: true, publisherConfirmationTrackingEnabled: true));
            var exit = new TaskExited(running.Id, running.NodeId!.Value, running.Attempt, running.ContainerId, 0, false, null, DateTimeOffset.UtcNow);
            await PublishAsync(channel, queue, exit, forger["AGENT_BROKER_USER"]);
            await PublishAsync(channel, queue, exit, userId: null);

            try
            {
                await ClusterFixtureBase.WaitUntilAsync(async () => IgnoredReports(running).Count >= warned + 2 && await cluster.QueueDepthAsync(queue) == 0);
            }
            catch (OperationCanceledException)
            {
                Assert.Fail($"The forged reports were not dropped: {IgnoredReports(running).Count - warned} warnings, {queue} holds " +
                    $"{await cluster.QueueDepthAsync(queue)}; the task is {(await cluster.GetTaskAsync(running.Id)).State}");
            }
            var after = await cluster.GetTaskAsync(running.Id);
            Assert.Equal((TaskState.Running, running.Version), (after.State, after.Version));
        }
        finally
        {
            await RemoveAgentUserAsync(forgerId);
        }
    }

    /// <summary>StateStore's warnings that it ignored a report about the task's node.</summary>
    private static List<RecordedLog> IgnoredReports(TaskDetails task) => LogRecorder.Entries
        .Where(entry => entry.Message.StartsWith("Ignored a TaskExited about node " + task.NodeId, StringComparison.Ordinal))
        .ToList();

    /// <summary>A report as an agent sends it: its JSON envelope, on its report queue's exchange.</summary>
    private static async Task PublishAsync(IChannel channel, string queue, TaskExited report, string? userId)
    {
        var envelope = new
        {
            messageId = Guid.NewGuid(),
            messageType = new[] { "urn:message:Orchestrator.Contracts:TaskExited" },
            message = report,
        };
        var properties = new BasicProperties { ContentType = "application/vnd.masstransit+json", UserId = userId, Persistent = true };
        await channel.BasicPublishAsync(queue, "", mandatory: true, properties,
            JsonSerializer.SerializeToUtf8Bytes(envelope, ClusterFixtureBase.Json));
    }

    private Task RemoveAgentUserAsync(Guid nodeId) =>
        RepositoryScripts.RunAsync("deploy/rabbitmq/add-agent-user.sh", TimeSpan.FromMinutes(1),
            "--remove", "--node-id", nodeId.ToString(), "--rabbitmqctl", cluster.BrokerCtl);

    [Fact]
    public void An_assigned_node_id_is_kept_and_one_that_contradicts_the_kept_id_stops_the_start()
    {
        var dataPath = Path.Combine(Path.GetTempPath(), $"orchestrator-node-id-{Guid.NewGuid():N}");
        try
        {
            var assigned = Guid.NewGuid();

            var first = NodeIdentity.LoadOrCreate(new AgentOptions { DataPath = dataPath, NodeId = assigned });
            var again = NodeIdentity.LoadOrCreate(new AgentOptions { DataPath = dataPath });
            var error = Assert.Throws<InvalidOperationException>(() =>
                NodeIdentity.LoadOrCreate(new AgentOptions { DataPath = dataPath, NodeId = Guid.NewGuid() }));

            Assert.Equal(assigned, first.Id);
            Assert.Equal(assigned, again.Id);
            Assert.Contains($"says this host is node {assigned}", error.Message);
            Assert.Equal(assigned, NodeIdentity.LoadOrCreate(new AgentOptions { DataPath = dataPath }).Id);
        }
        finally
        {
            Directory.Delete(dataPath, recursive: true);
        }
    }

    private async Task<Dictionary<string, string>> AddAgentUserAsync(string name)
    {
        var output = await RepositoryScripts.RunAsync("deploy/rabbitmq/add-agent-user.sh", TimeSpan.FromMinutes(1), name, "--rabbitmqctl", cluster.BrokerCtl);
        return output.Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(line => line.Split('=', 2))
            .ToDictionary(pair => pair[0], pair => pair[1]);
    }

    private static async Task<int?> RefusalOfConsumingAsync(IConnection connection, string queue)
    {
        await using var channel = await connection.CreateChannelAsync();
        var error = await Assert.ThrowsAsync<OperationInterruptedException>(() =>
            channel.BasicConsumeAsync(queue, autoAck: false, new AsyncEventingBasicConsumer(channel)));
        return error.ShutdownReason?.ReplyCode;
    }

    /// <summary>The broker refuses the write by closing the channel; with confirms on, the publish sees it.</summary>
    private static async Task<int?> RefusalOfPublishingAsync(IConnection connection, string exchange)
    {
        await using var channel = await connection.CreateChannelAsync(
            new CreateChannelOptions(publisherConfirmationsEnabled: true, publisherConfirmationTrackingEnabled: true));
        await Assert.ThrowsAnyAsync<Exception>(async () =>
            await channel.BasicPublishAsync(exchange, "", Encoding.UTF8.GetBytes("{}")));
        return channel.CloseReason?.ReplyCode;
    }
}
