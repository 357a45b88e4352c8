using System.Net.Http.Json;
using Orchestrator.Contracts;
using Orchestrator.Domain.Tasks;
using Orchestrator.IntegrationTests.Infrastructure;
using Orchestrator.StateStore.Telemetry;

namespace Orchestrator.IntegrationTests;

/// <summary>What the dashboard shows besides traces: the cluster's metrics, and logs tied to a task and a node.</summary>
[Collection(ClusterCollection.Name)]
public sealed class ObservabilityTests(ClusterFixture cluster)
{
    private static object Sleeper(string name) => new
    {
        name,
        image = TestImages.Workload,
        command = new[] { "sleep", "300" },
        stopTimeoutSeconds = 0,
    };

    [Fact]
    public async Task The_metrics_show_tasks_by_state_heartbeat_age_outbox_backlog_container_start_and_placement_latency()
    {
        using var metrics = new MetricRecorder();
        var task = await cluster.SubmitAsync(Sleeper("measured"));
        await cluster.WaitForStateAsync(task.Id, TaskState.Running);

        // The gauges follow the database: their task counts add up to the tasks the Api lists, one of them Running.
        await ClusterFixtureBase.WaitUntilAsync(async () =>
        {
            var listed = await cluster.Api.GetFromJsonAsync<List<TaskDetails>>("/api/tasks", ClusterFixtureBase.Json);
            metrics.Observe();
            var counts = LatestTaskCounts(metrics);
            return counts.Values.Sum() == listed!.Count
                && counts.GetValueOrDefault(nameof(TaskState.Running)) == listed.Count(t => t.State == TaskState.Running)
                && counts.GetValueOrDefault(nameof(TaskState.Running)) >= 1;
        });

        var heartbeat = metrics.Of(ClusterMetrics.HeartbeatAgeName).Last(m => (string?)m.Tags["node.id"] == cluster.Node.Id.ToString());
        Assert.Equal(cluster.Node.Name, heartbeat.Tags["node.name"]);
        Assert.Equal("Ready", heartbeat.Tags["node.status"]);
        Assert.True(heartbeat.Value >= 0);
        Assert.Single(metrics.Of(ClusterMetrics.OutboxBacklogName).TakeLast(1), m => m.Value >= 0);
        Assert.Contains(metrics.Of("orchestrator.container.start.duration"), m => m.Value > 0 && (string?)m.Tags["outcome"] == "started");
        Assert.Contains(metrics.Of("orchestrator.placement.duration"), m => m.Value > 0);

        await cluster.StopAndWaitAsync(task.Id);
    }

    [Fact]
    public async Task Log_lines_about_a_task_carry_its_task_id_and_node_id_as_scope_values()
    {
        var task = await cluster.SubmitAsync(Sleeper("logged"));
        await cluster.WaitForStateAsync(task.Id, TaskState.Running);
        await cluster.StopAndWaitAsync(task.Id);

        var aboutTask = LogRecorder.Entries.Where(e => e.Scopes.GetValueOrDefault("TaskId") is Guid id && id == task.Id).ToList();
        // StateStore's account of each state change, from the consumer of the message that caused it.
        Assert.Contains(aboutTask, e => e.Category.StartsWith("Orchestrator.StateStore") && e.Message.Contains("is Running"));
        Assert.Contains(aboutTask, e => e.Category.StartsWith("Orchestrator.StateStore") && e.Message.Contains("is Completed"));
        // The agent's line about the container, tied to its node too.
        var started = Assert.Single(aboutTask, e => e.Category.StartsWith("Orchestrator.WorkerAgent") && e.Message.Contains("runs in container"));
        Assert.Equal(cluster.Node.Id, started.Scopes["NodeId"]);
    }

    private static Dictionary<string, double> LatestTaskCounts(MetricRecorder metrics) =>
        metrics.Of(ClusterMetrics.TasksName)
            .GroupBy(m => (string)m.Tags["state"]!)
            .ToDictionary(g => g.Key, g => g.Last().Value);
}
