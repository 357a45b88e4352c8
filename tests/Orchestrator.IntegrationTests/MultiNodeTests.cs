using System.Net;
using System.Net.Http.Json;
using Orchestrator.Contracts;
using Orchestrator.Domain.Nodes;
using Orchestrator.Domain.Tasks;
using Orchestrator.IntegrationTests.Infrastructure;
using Xunit.Abstractions;

namespace Orchestrator.IntegrationTests;

[Collection(MultiNodeClusterCollection.Name)]
public sealed class MultiNodeTests(MultiNodeClusterFixture cluster, ITestOutputHelper output)
{
    private static object Sleeper(string name, decimal cpu = 0.25m, object? constraints = null, Guid? nodeId = null) => new
    {
        name,
        image = TestImages.Workload,
        command = new[] { "sleep", "600" },
        resources = new { cpu, memoryMb = 32 },
        stopTimeoutSeconds = 0,
        constraints,
        nodeId,
    };

    [Fact]
    public async Task Two_schedulers_under_a_burst_of_200_submissions_never_overcommit_a_node()
    {
        // Three nodes of 1 core take twelve quarter-core tasks; the other 188 must wait, explained.
        var submitted = await Task.WhenAll(Enumerable.Range(0, 200).Select(i => cluster.SubmitAsync(Sleeper($"burst-{i}"))));
        var ids = submitted.Select(t => t.Id).ToHashSet();
        try
        {
            var settled = await cluster.WaitForAllAsync(ids, tasks =>
                tasks.Count(t => t.State == TaskState.Running) == 12
                && tasks.Where(t => t.State == TaskState.Pending).All(t => t.Message?.StartsWith("no Ready node") == true));

            Assert.Equal(188, settled.Count(t => t.State == TaskState.Pending));
            var nodes = await cluster.Api.GetFromJsonAsync<List<NodeDetails>>("/api/nodes", ClusterFixtureBase.Json);
            Assert.All(nodes!, node =>
                Assert.True(node.Allocated.Cpu <= node.Allocatable.Cpu, $"{node.Name} allocated {node.Allocated.Cpu} of {node.Allocatable.Cpu} cpu"));
            // Agents another test started and stopped stay listed, Down and empty; the fixture's three each hold four.
            Assert.All(nodes!.Where(n => cluster.Nodes.Any(own => own.Id == n.Id)), node => Assert.Equal(4, node.TaskCount));
            Assert.All(nodes!.Where(n => n.Status != NodeStatus.Ready), node => Assert.Equal(0, node.TaskCount));
        }
        finally
        {
            // Twelve sleepers left behind would fill every node for the tests after this one.
            await cluster.StopAllAsync(ids);
        }
    }

    [Fact]
    public async Task Schedulers_that_name_themselves_are_given_disjoint_shares_of_the_Pending_queue()
    {
        // Forty tasks no node can take stay Pending. Besides the fixture's two Schedulers, two more members ask as the
        // Scheduler does; an anonymous request still sees the whole queue.
        var submitted = await Task.WhenAll(Enumerable.Range(0, 40).Select(i => cluster.SubmitAsync(Sleeper($"share-{i}", cpu: 256))));
        var ids = submitted.Select(t => t.Id).ToHashSet();
        try
        {
            var client = cluster.RequestClient<GetPlacementWork>();
            async Task<HashSet<Guid>> PendingOf(SchedulerMember? member)
            {
                var work = await client.GetResponse<PlacementWork>(new GetPlacementWork(Limit: 5000, IncludeNodes: false, Member: member));
                return work.Message.Tasks.Select(t => t.TaskId).Where(ids.Contains).ToHashSet();
            }
            // Counted for 10 s: long enough for these few requests, short enough that the fixture's Schedulers soon
            // place the whole queue again for the tests after this one.
            var a = new SchedulerMember($"test-a-{Guid.NewGuid():N}", TimeSpan.FromSeconds(10));
            var b = new SchedulerMember($"test-b-{Guid.NewGuid():N}", TimeSpan.FromSeconds(10));
            await PendingOf(a);
            await PendingOf(b);

            var ofA = await PendingOf(a);
            var ofB = await PendingOf(b);
            Assert.Equal(ids, await PendingOf(null));
            // Four members (or more, if another test's Scheduler still counts): each gets a part, none the same task.
            Assert.NotEmpty(ofA);
            Assert.NotEmpty(ofB);
            Assert.Empty(ofA.Intersect(ofB));
            Assert.True(ofA.Count + ofB.Count < ids.Count, $"two of four members hold {ofA.Count} + {ofB.Count} of {ids.Count} tasks");
            // The same membership gives the same share.
            Assert.Equal(ofA, await PendingOf(a));
        }
        finally
        {
            await cluster.StopAllAsync(ids);
        }
    }

    [Fact]
    public async Task A_lost_agent_has_its_tasks_running_on_the_other_nodes_and_cleans_up_when_it_returns()
    {
        var tasks = await Task.WhenAll(Enumerable.Range(0, 4).Select(i => cluster.SubmitAsync(Sleeper($"survivor-{i}"))));
        var all = tasks.Select(t => t.Id).ToHashSet();
        var running = await cluster.WaitForAllAsync(all, ts => ts.All(t => t.State == TaskState.Running));
        // The node that holds the most of them is lost. Which one that is depends on how the two Schedulers shared
        // the tasks: each spreads its share against its own view of the nodes, so the four need not cover all three.
        var victim = cluster.Nodes.MaxBy(node => running.Count(t => t.NodeId == node.Id))!;
        var victims = running.Where(t => t.NodeId == victim.Id).ToList();
        Assert.NotEmpty(victims);

        var lostAt = System.Diagnostics.Stopwatch.StartNew();
        await cluster.StopAgentAsync(victim.Name);
        await cluster.WaitForNodeAsync(victim.Id, NodeStatus.Down);
        var moved = await cluster.WaitForAllAsync(all, ts => ts.All(t => t.State == TaskState.Running && t.NodeId != victim.Id));
        // Reported for the performance notes, never asserted: the TTL here is 4 s.
        output.WriteLine($"agent stopped to all tasks Running elsewhere: {lostAt.Elapsed.TotalSeconds:0.0} s");

        foreach (var task in victims)
        {
            var history = await cluster.EventsAsync(task.Id);
            Assert.Contains(history, e => e.State == TaskState.Pending && e.Reason.StartsWith($"node {victim.Name} is Down") && e.NodeId == victim.Id);
            Assert.NotEqual(task.ContainerId, moved.Single(t => t.Id == task.Id).ContainerId);
        }

        // The old containers still run on the engine, orphaned; the returning agent removes them.
        await cluster.StartAgentAsync(victim.Name);
        await ClusterFixtureBase.WaitUntilAsync(async () => (await Task.WhenAll(victims.Select(t => cluster.ContainersOfTaskAsync(t.Id))))
            .All(containers => containers.All(c => c.Labels[Orchestrator.WorkerAgent.Runtime.ContainerLabels.NodeId] != victim.Id.ToString())));
        await cluster.StopAllAsync(all);
    }

    [Fact]
    public async Task Draining_a_node_moves_every_task_off_it_and_ready_returns_it_to_service()
    {
        var target = cluster.Nodes[1];
        var pinned = await Task.WhenAll(Enumerable.Range(0, 2).Select(i => cluster.SubmitAsync(Sleeper($"drained-{i}", nodeId: target.Id))));
        var free = await Task.WhenAll(Enumerable.Range(0, 2).Select(i => cluster.SubmitAsync(Sleeper($"drain-mover-{i}"))));
        var all = pinned.Concat(free).Select(t => t.Id).ToHashSet();
        await cluster.WaitForAllAsync(all, ts => ts.All(t => t.State == TaskState.Running));

        var drain = await cluster.Api.PostAsync($"/api/nodes/{target.Id}/drain", null);
        Assert.Equal(HttpStatusCode.OK, drain.StatusCode);
        Assert.Equal(NodeStatus.Draining, (await drain.Content.ReadFromJsonAsync<NodeDetails>(ClusterFixtureBase.Json))!.Status);

        // Tasks free to move run elsewhere; tasks pinned to the node wait for it, saying why.
        await cluster.WaitForAllAsync(free.Select(t => t.Id).ToHashSet(), ts => ts.All(t => t.State == TaskState.Running && t.NodeId != target.Id));
        await cluster.WaitForAllAsync(pinned.Select(t => t.Id).ToHashSet(), ts => ts.All(t => t.State == TaskState.Pending && t.Message?.Contains("Draining") == true));
        await ClusterFixtureBase.WaitUntilAsync(async () => (await cluster.Api.GetFromJsonAsync<List<NodeDetails>>("/api/nodes", ClusterFixtureBase.Json))!
            .Single(n => n.Id == target.Id).TaskCount == 0);

        var ready = await cluster.Api.PostAsync($"/api/nodes/{target.Id}/ready", null);
        Assert.Equal(HttpStatusCode.OK, ready.StatusCode);
        await cluster.WaitForAllAsync(pinned.Select(t => t.Id).ToHashSet(), ts => ts.All(t => t.State == TaskState.Running && t.NodeId == target.Id));
        await cluster.StopAllAsync(all);
    }

    [Fact]
    public async Task A_task_with_a_volume_waits_for_the_node_that_holds_it_and_moves_with_empty_volumes_only_when_released()
    {
        var volume = $"wait-{Guid.NewGuid():N}"[..20];
        var submitted = await cluster.SubmitAsync(new
        {
            name = "volume-waiter",
            image = TestImages.Workload,
            command = new[] { "sleep", "600" },
            resources = new { cpu = 0.25m, memoryMb = 32 },
            mounts = new[] { new { type = "volume", source = volume, target = "/data" } },
            stopTimeoutSeconds = 0,
        });
        var running = await cluster.WaitForStateAsync(submitted.Id, TaskState.Running);
        var home = cluster.Nodes.Single(n => n.Id == running.NodeId);
        Assert.Equal(home.Id, running.VolumeNodeId);
        // Too early: it runs, and is not waiting for anything.
        Assert.Equal(HttpStatusCode.Conflict, (await cluster.Api.PostAsync($"/api/tasks/{submitted.Id}/release-volumes", null)).StatusCode);
        try
        {
            Assert.Equal(HttpStatusCode.OK, (await cluster.Api.PostAsync($"/api/nodes/{home.Id}/drain", null)).StatusCode);

            // Drained, the node keeps the task's data; the task waits for it rather than start elsewhere without it.
            var waiting = await cluster.WaitForTaskAsync(submitted.Id,
                t => t.State == TaskState.Pending && t.Message?.StartsWith($"waiting for node {home.Name}, which holds its volumes: Draining") == true,
                "waiting for its volumes' node");
            Assert.Equal(home.Id, waiting.VolumeNodeId);

            var release = await cluster.Api.PostAsync($"/api/tasks/{submitted.Id}/release-volumes", null);
            Assert.Equal(HttpStatusCode.OK, release.StatusCode);
            var moved = await cluster.WaitForTaskAsync(submitted.Id, t => t.State == TaskState.Running, "running elsewhere");
            Assert.NotEqual(home.Id, moved.NodeId);
            Assert.Equal(moved.NodeId, moved.VolumeNodeId);
            Assert.Contains(await cluster.EventsAsync(submitted.Id), e => e.Reason.StartsWith($"released from node {home.Name}, which holds its volumes"));
        }
        finally
        {
            await cluster.Api.PostAsync($"/api/nodes/{home.Id}/ready", null);
            await cluster.StopAllAsync([submitted.Id]);
            await cluster.RemoveVolumeAsync(volume);
        }
    }

    [Fact]
    public async Task Allocatable_is_capacity_minus_what_the_agent_reserves()
    {
        var nodes = await cluster.Api.GetFromJsonAsync<List<NodeDetails>>("/api/nodes", ClusterFixtureBase.Json);

        var reserving = Assert.Single(nodes!, n => n.Name == MultiNodeClusterFixture.Reserving);
        Assert.Equal(1024, reserving.Capacity.MemoryMb);
        Assert.Equal(512, reserving.Allocatable.MemoryMb);
        Assert.Equal(reserving.Capacity.Cpu, reserving.Allocatable.Cpu);
        Assert.Equal(1024, nodes!.Single(n => n.Name == MultiNodeClusterFixture.Ssd).Allocatable.MemoryMb);
    }

    [Fact]
    public async Task A_finished_tasks_container_is_removed_once_its_retention_has_passed()
    {
        var task = await cluster.SubmitAsync(new
        {
            name = "short-lived",
            image = TestImages.Workload,
            command = new[] { "sh", "-c", "echo done" },
            restartPolicy = new { mode = "Never" },
        });
        await cluster.WaitForStateAsync(task.Id, TaskState.Completed);

        // Kept at first, for its logs; then removed by the agent with no call from anyone.
        Assert.Equal("done\n", await cluster.Api.GetStringAsync($"/api/tasks/{task.Id}/logs"));
        await ClusterFixtureBase.WaitUntilAsync(async () => (await cluster.ContainersOfTaskAsync(task.Id)).Count == 0);
    }

    [Fact]
    public async Task Constraints_place_a_task_only_on_a_node_with_the_label()
    {
        var ssd = cluster.Nodes[0];
        var wantsSsd = await cluster.SubmitAsync(Sleeper("wants-ssd", constraints: new[] { new { label = "disk", equals = "ssd" } }));
        var wantsNvme = await cluster.SubmitAsync(Sleeper("wants-nvme", constraints: new[] { new { label = "disk", equals = "nvme" } }));

        var placed = await cluster.WaitForStateAsync(wantsSsd.Id, TaskState.Running);
        var waiting = await cluster.WaitForTaskAsync(wantsNvme.Id, t => t.Message?.StartsWith("no Ready node") == true, "explained");

        Assert.Equal(ssd.Id, placed.NodeId);
        Assert.Contains("without label disk=nvme", waiting.Message);
        await cluster.StopAllAsync([wantsSsd.Id, wantsNvme.Id]);
    }

    [Fact]
    public async Task An_unschedulable_task_gets_its_reason_then_is_placed_when_a_node_with_room_joins()
    {
        var task = await cluster.SubmitAsync(Sleeper("wants-gpu", constraints: new[] { new { label = "gpu", equals = "yes" } }));
        var waiting = await cluster.WaitForTaskAsync(task.Id, t => t.Message?.StartsWith("no Ready node") == true, "explained");
        Assert.Equal(TaskState.Pending, waiting.State);
        Assert.Contains("without label gpu=yes", waiting.Message);

        var gpu = await cluster.StartAgentAsync(MultiNodeClusterFixture.Gpu);

        var placed = await cluster.WaitForStateAsync(task.Id, TaskState.Running);
        Assert.Equal(gpu.Id, placed.NodeId);
        await cluster.StopAllAsync([task.Id]);
        await cluster.StopAgentAsync(MultiNodeClusterFixture.Gpu);
        // Down before the next test, which expects its tasks spread over the fixture's three nodes only.
        await cluster.WaitForNodeAsync(gpu.Id, NodeStatus.Down);
    }

    [Fact]
    public async Task A_task_mounting_a_host_volume_no_node_offers_waits_named_then_runs_on_the_agent_that_offers_it()
    {
        var certs = Directory.CreateTempSubdirectory("orchestrator-certs-");
        // A whole line: the engine logs a partial line only once the container ends.
        await File.WriteAllTextAsync(Path.Combine(certs.FullName, "ca.pem"), "test certificate\n");
        var task = await cluster.SubmitAsync(new
        {
            name = "wants-certs",
            image = TestImages.Workload,
            command = new[] { "sh", "-c", "cat /certs/ca.pem; exec sleep 600" },
            resources = new { cpu = 0.25m, memoryMb = 32 },
            stopTimeoutSeconds = 0,
            mounts = new[] { new { type = "host", source = "certs", target = "/certs", readOnly = true } },
        });
        var waiting = await cluster.WaitForTaskAsync(task.Id, t => t.Message?.StartsWith("no Ready node") == true, "explained");
        Assert.Equal(TaskState.Pending, waiting.State);
        Assert.Contains("and host volume certs;", waiting.Message);
        Assert.Contains("without host volume certs", waiting.Message);

        var offering = await cluster.StartAgentAsync(MultiNodeClusterFixture.Certs, new Dictionary<string, string?>
        {
            ["Agent:HostVolumes:certs:Path"] = certs.FullName,
            ["Agent:HostVolumes:certs:ReadOnly"] = "true",
        });
        try
        {
            var placed = await cluster.WaitForStateAsync(task.Id, TaskState.Running);
            Assert.Equal(offering.Id, placed.NodeId);
            // The offered path is what the container sees, read-only.
            await cluster.WaitForLogAsync(task.Id, "test certificate");
            var node = await cluster.WaitForNodeAsync(offering.Id, NodeStatus.Ready);
            Assert.Equal([new HostVolume("certs", certs.FullName, ReadOnly: true)], node.HostVolumes);
        }
        finally
        {
            await cluster.StopAllAsync([task.Id]);
            await cluster.StopAgentAsync(MultiNodeClusterFixture.Certs);
            // Down before the next test, which expects its tasks spread over the fixture's three nodes only.
            await cluster.WaitForNodeAsync(offering.Id, NodeStatus.Down);
            certs.Delete(recursive: true);
        }
    }

    [Fact]
    public async Task A_job_whose_datacenters_no_node_is_in_waits_named_then_runs_on_an_agent_of_that_datacenter_when_it_joins()
    {
        const string job = "in-eu-west";
        var created = await cluster.Api.PutAsJsonAsync($"/api/jobs/{job}", new
        {
            datacenters = new[] { "eu-west" },
            task = new { image = TestImages.Workload, command = new[] { "sleep", "600" }, resources = new { cpu = 0.25m, memoryMb = 32 }, stopTimeoutSeconds = 0 },
        }, ClusterFixtureBase.Json);
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var taskId = Guid.Empty;
        await ClusterFixtureBase.WaitUntilAsync(async () =>
        {
            var details = await cluster.Api.GetFromJsonAsync<JobDetails>($"/api/jobs/{job}", ClusterFixtureBase.Json);
            taskId = details!.Tasks.FirstOrDefault()?.Id ?? Guid.Empty;
            return taskId != Guid.Empty;
        });
        try
        {
            var waiting = await cluster.WaitForTaskAsync(taskId, t => t.Message?.StartsWith("no Ready node") == true, "explained");
            Assert.Equal(TaskState.Pending, waiting.State);
            Assert.Equal("no Ready node in datacenter eu-west (Ready nodes are in dc1)", waiting.Message);

            var eu = await cluster.StartAgentAsync(MultiNodeClusterFixture.EuWest, new Dictionary<string, string?> { ["Agent:Datacenter"] = "eu-west" });
            try
            {
                var placed = await cluster.WaitForStateAsync(taskId, TaskState.Running);
                Assert.Equal(eu.Id, placed.NodeId);
                var nodes = await cluster.Api.GetFromJsonAsync<List<NodeDetails>>("/api/nodes", ClusterFixtureBase.Json);
                Assert.Equal("eu-west", Assert.Single(nodes!, n => n.Id == eu.Id).Datacenter);
                Assert.All(nodes!.Where(n => n.Id != eu.Id), n => Assert.Equal(NodeDatacenter.Default, n.Datacenter));
            }
            finally
            {
                await DeleteJobAsync(job, taskId);
                await cluster.StopAgentAsync(MultiNodeClusterFixture.EuWest);
                // Down before the next test, which expects its tasks spread over the fixture's three nodes only.
                await cluster.WaitForNodeAsync(eu.Id, NodeStatus.Down);
            }
        }
        finally
        {
            if (await cluster.Api.GetAsync($"/api/jobs/{job}") is { StatusCode: HttpStatusCode.OK })
                await DeleteJobAsync(job, taskId);
        }
    }

    private async Task DeleteJobAsync(string job, Guid taskId)
    {
        await cluster.Api.DeleteAsync($"/api/jobs/{job}");
        await cluster.WaitForTaskAsync(taskId, t => TaskStateMachine.IsTerminal(t.State), "finished");
    }

    [Fact]
    public async Task An_agent_restarted_while_its_containers_run_adopts_them_without_a_duplicate()
    {
        var node = cluster.Nodes[0];
        var task = await cluster.SubmitAsync(Sleeper("adopted", nodeId: node.Id));
        var before = await cluster.WaitForStateAsync(task.Id, TaskState.Running);

        await cluster.StopAgentAsync(node.Name);
        await cluster.StartAgentAsync(node.Name);

        var after = await cluster.GetTaskAsync(task.Id);
        Assert.Equal(TaskState.Running, after.State);
        Assert.Equal(before.ContainerId, after.ContainerId);
        Assert.Single(await cluster.ContainersOfTaskAsync(task.Id));
        // Supervision resumed: a stop is carried out by the restarted agent.
        var stopped = await cluster.StopAndWaitAsync(task.Id);
        Assert.Equal(TaskState.Completed, stopped.State);
    }

    [Fact]
    public async Task An_agent_restarted_during_a_restart_backoff_carries_on_the_count_and_restarts_the_container()
    {
        var node = cluster.Nodes[1];
        // Exits at once, and waits 6 s before each restart: the agent is restarted inside the first wait.
        var task = await cluster.SubmitAsync(new
        {
            name = "crash-looping",
            image = TestImages.Workload,
            command = new[] { "sh", "-c", "exit 3" },
            resources = new { cpu = 0.25m, memoryMb = 32 },
            restartPolicy = new { mode = "OnFailure", maxRestarts = 2, backoffSeconds = 6, maxBackoffSeconds = 6 },
            nodeId = node.Id,
        });
        var backingOff = await cluster.WaitForTaskAsync(task.Id, t => t.RestartCount == 1, "restarted once");

        await cluster.StopAgentAsync(node.Name);
        await cluster.StartAgentAsync(node.Name);

        var failed = await cluster.WaitForStateAsync(task.Id, TaskState.Failed);
        Assert.Equal("exited with code 3; gave up after 2 restarts", failed.Message);
        Assert.Equal(2, failed.RestartCount);
        Assert.Equal(backingOff.ContainerId, failed.ContainerId);
        var history = await cluster.EventsAsync(task.Id);
        Assert.Equal(
            ["exited with code 3; restart 1 of 2", "exited with code 3; restart 2 of 2"],
            history.Where(e => e.State == TaskState.Running && e.ExitCode is not null).Select(e => e.Reason));
        Assert.Single(history, e => e.State == TaskState.Failed);
    }
}
