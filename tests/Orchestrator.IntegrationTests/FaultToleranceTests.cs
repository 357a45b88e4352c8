using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Orchestrator.Contracts;
using Orchestrator.Domain.Nodes;
using Orchestrator.Domain.Tasks;
using Orchestrator.IntegrationTests.Infrastructure;
using Orchestrator.StateStore.Telemetry;
using Orchestrator.WorkerAgent.Runtime;

namespace Orchestrator.IntegrationTests;

/// <summary>
/// The broker or the database goes away and comes back under a running cluster: no task is lost or moved, the
/// node is not blamed, the cluster takes new work afterwards, and stopping everything leaves no container behind.
/// </summary>
[Collection(FaultClusterCollection.Name)]
public sealed class FaultToleranceTests(FaultClusterFixture cluster)
{
    [Fact]
    public Task A_broker_restart_loses_no_task_and_the_cluster_goes_on_working() =>
        SurvivesAsync("broker", cluster.RestartBrokerAsync);

    [Fact]
    public Task A_database_restart_loses_no_task_and_the_cluster_goes_on_working() =>
        SurvivesAsync("database", cluster.RestartDatabaseAsync);

    [Fact]
    public async Task An_exit_reported_while_the_database_is_down_is_recorded_once_it_is_back()
    {
        var task = await cluster.SubmitAsync(Sleeper("exits-during-outage", restart: "Never"));
        var running = await cluster.WaitForStateAsync(task.Id, TaskState.Running);

        await cluster.StopDatabaseAsync();
        try
        {
            // The agent sees the exit and reports it at once; StateStore cannot record it until the database is
            // back, which here is later than the bus's short retries (4 tries of up to 2 s, each tried 5 times:
            // about 22 s) would wait.
            await cluster.Docker.Containers.KillContainerAsync(running.ContainerId, new Docker.DotNet.Models.ContainerKillParameters());
            await Task.Delay(TimeSpan.FromSeconds(30));
        }
        finally
        {
            await cluster.StartDatabaseAsync();
        }

        var ended = await cluster.WaitForStateAsync(task.Id, TaskState.Failed);
        Assert.Equal(137L, ended.ExitCode);
        Assert.DoesNotContain(await cluster.ContainersOfTaskAsync(task.Id), container => container.State == "running");
        // The heartbeats that failed through the outage were dropped, not parked: the next ones replaced them.
        Assert.Equal(0, await cluster.QueueDepthAsync("node-heartbeat_error"));
    }

    [Fact]
    public async Task An_exit_whose_report_was_lost_is_recorded_from_the_heartbeat()
    {
        var task = await cluster.SubmitAsync(Sleeper("exit-report-lost", restart: "Never"));
        var running = await cluster.WaitForStateAsync(task.Id, TaskState.Running);
        await cluster.Docker.Containers.KillContainerAsync(running.ContainerId, new Docker.DotNet.Models.ContainerKillParameters());
        await cluster.WaitForStateAsync(task.Id, TaskState.Failed);

        // What StateStore holds when the agent's TaskExited faulted past every retry: the task still Running. The
        // agent has sent its report and will not send it again; its heartbeats list the container as exited and
        // reported, and once the report is overdue they stand in for it.
        await cluster.ExecuteSqlAsync($"""
            UPDATE orchestrator.tasks SET "State" = 'Running', "ExitCode" = NULL, "FinishedAt" = NULL WHERE "Id" = '{task.Id}'
            """);
        Assert.Equal(TaskState.Running, (await cluster.GetTaskAsync(task.Id)).State);

        var ended = await cluster.WaitForStateAsync(task.Id, TaskState.Failed);
        Assert.Equal(137L, ended.ExitCode);
        // Failed twice in its history: once from the agent's report, once from the heartbeat.
        Assert.Equal(2, (await cluster.EventsAsync(task.Id)).Count(e => e.State == TaskState.Failed));
    }

    [Fact]
    public async Task A_lost_exit_report_recorded_from_the_heartbeat_keeps_what_only_the_report_knew()
    {
        var task = await cluster.SubmitAsync(TestTasks.MemoryHog("oom-report-lost"));
        var reported = await cluster.WaitForStateAsync(task.Id, TaskState.Failed);
        Assert.StartsWith("OOMKilled", reported.Message);

        // As in the test above: the agent's TaskExited faulted past every retry, so StateStore still holds the task
        // as Running. The engine's listing, all the heartbeat sees of the container, says only "Exited (137)".
        await cluster.ExecuteSqlAsync($"""
            UPDATE orchestrator.tasks SET "State" = 'Running', "ExitCode" = NULL, "FinishedAt" = NULL WHERE "Id" = '{task.Id}'
            """);
        Assert.Equal(TaskState.Running, (await cluster.GetTaskAsync(task.Id)).State);

        var repaired = await cluster.WaitForStateAsync(task.Id, TaskState.Failed);
        Assert.Equal(137L, repaired.ExitCode);
        Assert.StartsWith("OOMKilled", repaired.Message);
        var failures = (await cluster.EventsAsync(task.Id)).Where(e => e.State == TaskState.Failed).ToList();
        Assert.Equal(2, failures.Count);
        Assert.All(failures, failure => Assert.StartsWith("OOMKilled", failure.Reason));
    }

    [Fact]
    public async Task A_StartTask_lost_on_the_way_to_its_agent_is_sent_again_and_the_task_runs_once()
    {
        var agentName = cluster.Node.Name;
        var queue = AgentQueue.Name(cluster.Node.Id);
        // The agent away, its queue keeps what is sent to it. The node is not marked Down meanwhile: it is the only
        // one, and when every node falls silent at once StateStore blames itself, not them.
        await cluster.StopAgentAsync(agentName);
        TaskDetails task;
        try
        {
            task = await cluster.SubmitAsync(Sleeper("start-lost", restart: "Never"));
            await ClusterFixtureBase.WaitUntilAsync(async () => await cluster.QueueDepthAsync(queue) > 0);
            Assert.Equal(TaskState.Scheduled, (await cluster.GetTaskAsync(task.Id)).State);
            // What a broker that lost the queue, or an operator who purged it, leaves: the StartTask is gone.
            await cluster.PurgeQueueAsync(queue);
        }
        finally
        {
            await cluster.StartAgentAsync(agentName);
        }

        var running = await cluster.WaitForStateAsync(task.Id, TaskState.Running);

        var events = await cluster.EventsAsync(task.Id);
        Assert.Contains(events, e => e.State == TaskState.Scheduled && e.Reason.StartsWith($"StartTask re-sent: node {agentName} reports no container for it after", StringComparison.Ordinal));
        // One container, of the attempt that runs, however many StartTasks reached the agent.
        var container = Assert.Single(await cluster.ContainersOfTaskAsync(task.Id));
        Assert.Equal(running.ContainerId, container.ID);
        Assert.Equal(running.Attempt.ToString(CultureInfo.InvariantCulture), container.Labels[ContainerLabels.Attempt]);

        await cluster.StopAndWaitAsync(task.Id);
    }

    [Fact]
    public async Task An_attempt_whose_StartTask_never_reaches_its_agent_is_given_up_after_the_last_re_send_and_placed_again()
    {
        var queue = AgentQueue.Name(cluster.Node.Id);
        var maxResends = int.Parse(cluster.Configuration["StateStore:Liveness:MaxStartResends"]!, CultureInfo.InvariantCulture);
        // StateStore declares the queue's binding with its first command to the node; after that it only sends.
        var warmUp = await cluster.SubmitAsync(Sleeper("warm-up"));
        await cluster.WaitForStateAsync(warmUp.Id, TaskState.Running);
        await cluster.StopAndWaitAsync(warmUp.Id);
        // The agent consumes and sends heartbeats as ever, but every command sent to it is dropped on the way.
        await cluster.UnbindQueueAsync(queue);
        TaskDetails task;
        try
        {
            task = await cluster.SubmitAsync(Sleeper("start-never-arrives", restart: "Never"));
            await cluster.WaitForTaskAsync(task.Id, t => t.Attempt > 1, "placed again");
        }
        finally
        {
            await cluster.BindQueueAsync(queue);
        }

        var running = await cluster.WaitForStateAsync(task.Id, TaskState.Running);

        var events = await cluster.EventsAsync(task.Id);
        var givenUp = events.ToList().FindIndex(e => e.State == TaskState.Pending && e.Reason.Contains("never started it", StringComparison.Ordinal));
        Assert.True(givenUp > 0, string.Join("\n", events.Select(e => $"{e.State}: {e.Reason}")));
        // The first attempt's StartTask was sent again as often as allowed, and then the attempt was given up.
        Assert.Equal(maxResends, events.Take(givenUp).Count(e => e.Reason.StartsWith("StartTask re-sent", StringComparison.Ordinal)));
        var container = Assert.Single(await cluster.ContainersOfTaskAsync(task.Id));
        Assert.Equal(running.ContainerId, container.ID);
        Assert.Equal(running.Attempt.ToString(CultureInfo.InvariantCulture), container.Labels[ContainerLabels.Attempt]);

        await cluster.StopAndWaitAsync(task.Id);
    }

    [Fact]
    public async Task A_restart_of_every_service_on_the_same_database_keeps_a_running_task_and_its_container()
    {
        // Two nodes, as the AppHost runs: one agent is back at once after the restart, the other, whose task this is,
        // only later. Before its return the first agent's heartbeats show StateStore is reading, so only a grace from
        // StateStore's own start stops its silence, which began before the restart, from counting as the node's death.
        const string slowNode = "slow-to-return";
        var slow = await cluster.StartAgentAsync(slowNode);
        try
        {
            var task = await cluster.SubmitAsync(new
            {
                name = "survives-restart",
                image = TestImages.Workload,
                command = new[] { "sleep", "600" },
                resources = new { cpu = 0.1m, memoryMb = 16 },
                stopTimeoutSeconds = 1,
                nodeId = slow.Id,
            });
            var before = await cluster.WaitForStateAsync(task.Id, TaskState.Running);
            var started = (await cluster.Docker.Containers.InspectContainerAsync(before.ContainerId)).State.StartedAt;

            // Down for longer than a node's TTL, so the last heartbeats on record are older than that when StateStore
            // starts, and the slow agent is back a TTL after the other.
            var ttl = TimeSpan.Parse(cluster.Configuration["StateStore:Liveness:NodeTtl"]!, CultureInfo.InvariantCulture);
            await cluster.RestartAllServicesAsync(downFor: ttl * 2, lateAgent: slowNode, lateBy: ttl * 2);
            var restartedAt = DateTimeOffset.UtcNow;

            // Several heartbeats of the returned agent have been compared with the task by the new StateStore.
            var node = await cluster.WaitForNodeAsync(n => n.Id == slow.Id && n.LastHeartbeatAt > restartedAt.AddSeconds(3));
            Assert.Equal(NodeStatus.Ready, node.Status);
            var after = await cluster.GetTaskAsync(task.Id);
            Assert.Equal(TaskState.Running, after.State);
            Assert.Equal(before.ContainerId, after.ContainerId);
            Assert.Equal(before.Version, after.Version);
            var container = await cluster.Docker.Containers.InspectContainerAsync(before.ContainerId);
            Assert.True(container.State.Running, $"the container is {container.State.Status}");
            Assert.Equal(started, container.State.StartedAt);

            await cluster.StopAndWaitAsync(task.Id);
        }
        finally
        {
            // The other tests here run on the fixture's one node.
            await cluster.StopAgentAsync(slowNode);
            await cluster.WaitForNodeAsync(slow.Id, NodeStatus.Down);
            await cluster.RemoveContainersOfNodeAsync(slow.Id);
        }
    }

    [Fact]
    public async Task A_running_container_whose_task_the_database_forgot_is_left_running_and_reported_unknown()
    {
        using var metrics = new MetricRecorder();
        // It ends at SIGTERM, within a second: a stop sent to it would show well within the heartbeats waited for below.
        var task = await cluster.SubmitAsync(new
        {
            name = "forgotten",
            image = TestImages.Workload,
            command = new[] { "sh", "-c", "trap 'exit 0' TERM; while true; do sleep 1; done" },
            resources = new { cpu = 0.1m, memoryMb = 16 },
        });
        var running = await cluster.WaitForStateAsync(task.Id, TaskState.Running);

        // What a wiped or replaced database leaves: the agent still runs the container, and StateStore has no record
        // of its task.
        await cluster.ExecuteSqlAsync($"""
            DELETE FROM orchestrator.task_events WHERE "TaskId" = '{task.Id}';
            DELETE FROM orchestrator.tasks WHERE "Id" = '{task.Id}';
            """);
        try
        {
            var reported = await cluster.WaitForNodeAsync(node => node.Id == cluster.Node.Id && node.UnknownContainers.Any(c => c.TaskId == task.Id));
            // Several heartbeats later, the container still runs and the node still lists it.
            var later = await cluster.WaitForNodeAsync(node => node.Id == cluster.Node.Id && node.LastHeartbeatAt > reported.LastHeartbeatAt.AddSeconds(5));

            var unknown = Assert.Single(later.UnknownContainers, c => c.TaskId == task.Id);
            Assert.Equal((running.Attempt, running.ContainerId), (unknown.Attempt, unknown.ContainerId));
            var container = Assert.Single(await cluster.ContainersOfTaskAsync(task.Id));
            Assert.Equal("running", container.State);
            // And the metric counts it on the node.
            await ClusterFixtureBase.WaitUntilAsync(() =>
            {
                metrics.Observe();
                return Task.FromResult(metrics.Of(ClusterMetrics.UnknownContainersName)
                    .LastOrDefault(m => (string?)m.Tags["node.id"] == cluster.Node.Id.ToString()) is { Value: >= 1 });
            });
        }
        finally
        {
            // Nobody else will: removing it is the operator's call, and here the test is the operator.
            foreach (var container in await cluster.ContainersOfTaskAsync(task.Id))
                await cluster.Docker.Containers.RemoveContainerAsync(container.ID, new Docker.DotNet.Models.ContainerRemoveParameters { Force = true });
        }
        await cluster.WaitForNodeAsync(node => node.Id == cluster.Node.Id && node.UnknownContainers.All(c => c.TaskId != task.Id));
    }

    [Fact]
    public async Task A_submission_while_the_database_is_down_gets_503_and_records_nothing()
    {
        var name = $"while-down-{Guid.NewGuid():N}"[..24];
        HttpResponseMessage response;
        await cluster.StopDatabaseAsync();
        try
        {
            response = await cluster.Api.PostAsJsonAsync("/api/tasks", Sleeper(name), ClusterFixtureBase.Json);
        }
        finally
        {
            await cluster.StartDatabaseAsync();
        }

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        using (var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync()))
            Assert.Contains("Nothing was changed", problem.RootElement.GetProperty("detail").GetString());
        List<TaskDetails>? tasks = null;
        await ClusterFixtureBase.WaitUntilAsync(async () =>
        {
            using var list = await cluster.Api.GetAsync("/api/tasks");
            tasks = list.IsSuccessStatusCode ? await list.Content.ReadFromJsonAsync<List<TaskDetails>>(ClusterFixtureBase.Json) : null;
            return tasks is not null;
        });
        Assert.DoesNotContain(tasks!, task => task.Name == name);
    }

    [Fact]
    public async Task A_submission_while_the_broker_is_frozen_gets_503_and_its_retry_with_the_same_Idempotency_Key_makes_one_task()
    {
        var name = $"frozen-{Guid.NewGuid():N}"[..20];
        var key = Guid.NewGuid().ToString("N");
        HttpResponseMessage response;
        await cluster.PauseBrokerAsync();
        try
        {
            // The client's own timeout (100 s) is far longer than the Api's: an Api that waited on the frozen
            // broker would fail this call, not answer it.
            response = await cluster.Api.PostTaskAsync(Sleeper(name), key);
        }
        finally
        {
            await cluster.UnpauseBrokerAsync();
        }

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        using var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal(503, problem.RootElement.GetProperty("status").GetInt32());
        Assert.False(string.IsNullOrEmpty(problem.RootElement.GetProperty("detail").GetString()));

        // The request may still be applied once the broker recovers; the retry, with the same key, names the same task
        // either way, and the cluster works again.
        var retried = await cluster.Api.PostTaskAsync(Sleeper(name), key);
        Assert.Equal(HttpStatusCode.Accepted, retried.StatusCode);
        var task = (await retried.Content.ReadFromJsonAsync<TaskDetails>(ClusterFixtureBase.Json))!;
        await cluster.WaitForStateAsync(task.Id, TaskState.Running);
        var named = (await cluster.Api.GetFromJsonAsync<List<TaskDetails>>("/api/tasks?limit=5000", ClusterFixtureBase.Json))!
            .Where(t => t.Name == name).ToList();
        Assert.Equal(task.Id, Assert.Single(named).Id);
        await cluster.StopAndWaitAsync(task.Id);
    }

    [Fact]
    public async Task Reads_are_answered_from_the_database_while_the_broker_is_frozen()
    {
        var task = await cluster.SubmitAsync(Sleeper($"read-frozen-{Guid.NewGuid():N}"[..24]));
        await cluster.WaitForStateAsync(task.Id, TaskState.Running);
        HttpResponseMessage one, list, events, nodes;
        await cluster.PauseBrokerAsync();
        try
        {
            // No read crosses the bus: a frozen broker, which holds every request to StateStore, holds none of these.
            one = await cluster.Api.GetAsync($"/api/tasks/{task.Id}");
            list = await cluster.Api.GetAsync($"/api/tasks?idPrefix={task.Id:N}");
            events = await cluster.Api.GetAsync($"/api/tasks/{task.Id}/events");
            nodes = await cluster.Api.GetAsync("/api/nodes");
        }
        finally
        {
            await cluster.UnpauseBrokerAsync();
        }

        Assert.Equal(TaskState.Running, (await one.EnsureSuccessStatusCode().Content.ReadFromJsonAsync<TaskDetails>(ClusterFixtureBase.Json))!.State);
        Assert.Equal(task.Id, Assert.Single((await list.EnsureSuccessStatusCode().Content.ReadFromJsonAsync<List<TaskDetails>>(ClusterFixtureBase.Json))!).Id);
        Assert.Contains((await events.EnsureSuccessStatusCode().Content.ReadFromJsonAsync<List<TaskEventDetails>>(ClusterFixtureBase.Json))!,
            e => e.State == TaskState.Running);
        Assert.Contains((await nodes.EnsureSuccessStatusCode().Content.ReadFromJsonAsync<List<NodeDetails>>(ClusterFixtureBase.Json))!,
            n => n.Id == cluster.Node.Id);
        await cluster.StopAndWaitAsync(task.Id);
    }

    [Fact]
    public async Task A_read_while_the_database_is_down_gets_503_saying_so()
    {
        var task = await cluster.SubmitAsync(Sleeper($"read-down-{Guid.NewGuid():N}"[..24]));
        HttpResponseMessage response;
        await cluster.StopDatabaseAsync();
        try
        {
            response = await cluster.Api.GetAsync($"/api/tasks/{task.Id}");
        }
        finally
        {
            await cluster.StartDatabaseAsync();
        }

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        using (var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync()))
            Assert.Equal("The Api cannot reach the database.", problem.RootElement.GetProperty("title").GetString());
        await ClusterFixtureBase.WaitUntilAsync(async () =>
        {
            using var again = await cluster.Api.GetAsync($"/api/tasks/{task.Id}");
            return again.IsSuccessStatusCode;
        });
        await cluster.StopAndWaitAsync(task.Id);
    }

    private async Task<TaskDetails> SubmitUntilTakenAsync(object spec)
    {
        var key = Guid.NewGuid().ToString("N");
        TaskDetails? taken = null;
        await ClusterFixtureBase.WaitUntilAsync(async () =>
        {
            using var response = await cluster.Api.PostTaskAsync(spec, key);
            if (response.StatusCode == HttpStatusCode.ServiceUnavailable)
                return false;
            Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
            taken = await response.Content.ReadFromJsonAsync<TaskDetails>(ClusterFixtureBase.Json);
            return true;
        });
        return taken!;
    }

    private async Task SurvivesAsync(string what, Func<Task> restart)
    {
        var submitted = await Task.WhenAll(Enumerable.Range(0, 2).Select(i => cluster.SubmitAsync(Sleeper($"{what}-before-{i}"))));
        var running = await Task.WhenAll(submitted.Select(task => cluster.WaitForStateAsync(task.Id, TaskState.Running)));

        await restart();
        var restartedAt = DateTimeOffset.UtcNow;
        // Back in service: StateStore records the node's heartbeats again.
        await cluster.WaitForNodeAsync(node => node.Id == cluster.Node.Id && node.LastHeartbeatAt > restartedAt);
        // The Api reads the database itself, so that proves nothing of its own connection to the broker, which may come
        // back later than StateStore's: until then a submission gets 503, and is sent again with its key, as a client does.
        var after = await SubmitUntilTakenAsync(Sleeper($"{what}-after"));
        await cluster.WaitForStateAsync(after.Id, TaskState.Running);

        foreach (var task in running)
        {
            var now = await cluster.GetTaskAsync(task.Id);
            Assert.Equal(TaskState.Running, now.State);
            // Never released from the node and started again elsewhere: the same container throughout.
            Assert.Equal(task.ContainerId, now.ContainerId);
            Assert.Single(await cluster.EventsAsync(task.Id), e => e.State == TaskState.Running);
        }
        var node = await cluster.WaitForNodeAsync(n => n.Id == cluster.Node.Id);
        Assert.Equal(NodeStatus.Ready, node.Status);
        Assert.Null(node.DownSince);

        foreach (var id in running.Select(task => task.Id).Append(after.Id))
            Assert.Equal(TaskState.Completed, (await cluster.StopAndWaitAsync(id)).State);
    }

    [Fact]
    public async Task Submissions_get_429_while_the_backlog_is_full_and_are_taken_again_once_it_drains()
    {
        // Tasks no node can take stay Pending; this cluster allows three. The count is read every second, so
        // submissions go on until one is refused, and every one accepted is cancelled at the end.
        var waiting = new List<Guid>();
        HttpResponseMessage? refused = null;
        try
        {
            await ClusterFixtureBase.WaitUntilAsync(async () =>
            {
                var response = await cluster.Api.PostAsJsonAsync("/api/tasks", Unplaceable($"backlog-{waiting.Count}"), ClusterFixtureBase.Json);
                if (response.StatusCode == HttpStatusCode.TooManyRequests)
                {
                    refused = response;
                    return true;
                }
                response.EnsureSuccessStatusCode();
                waiting.Add((await response.Content.ReadFromJsonAsync<TaskDetails>(ClusterFixtureBase.Json))!.Id);
                return false;
            });

            Assert.True(waiting.Count >= 3);
            Assert.Equal("2", refused!.Headers.GetValues("Retry-After").Single());
            using var problem = JsonDocument.Parse(await refused.Content.ReadAsStringAsync());
            Assert.Equal(429, problem.RootElement.GetProperty("status").GetInt32());
            Assert.Contains("waiting to be placed", problem.RootElement.GetProperty("detail").GetString());
            var recorded = await cluster.Api.GetFromJsonAsync<List<TaskDetails>>("/api/tasks?state=Pending", ClusterFixtureBase.Json);
            Assert.Equal(waiting.Order(), recorded!.Select(task => task.Id).Order());
        }
        finally
        {
            foreach (var id in waiting)
                await cluster.StopAndWaitAsync(id);
        }

        // With the backlog drained, a submission is taken again.
        TaskDetails? after = null;
        await ClusterFixtureBase.WaitUntilAsync(async () =>
        {
            using var response = await cluster.Api.PostAsJsonAsync("/api/tasks", Sleeper("after-backlog"), ClusterFixtureBase.Json);
            after = response.IsSuccessStatusCode ? await response.Content.ReadFromJsonAsync<TaskDetails>(ClusterFixtureBase.Json) : null;
            return after is not null;
        });
        await cluster.WaitForStateAsync(after!.Id, TaskState.Running);
        await cluster.StopAndWaitAsync(after.Id);
    }

    /// <summary>More cores than any node has: placement leaves it Pending.</summary>
    private static object Unplaceable(string name) => new
    {
        name,
        image = TestImages.Workload,
        command = new[] { "sleep", "600" },
        resources = new { cpu = 200m, memoryMb = 16 },
    };

    private static object Sleeper(string name, string restart = "OnFailure") => new
    {
        name,
        image = TestImages.Workload,
        command = new[] { "sleep", "600" },
        resources = new { cpu = 0.1m, memoryMb = 16 },
        restartPolicy = new { mode = restart },
        stopTimeoutSeconds = 1,
    };
}
