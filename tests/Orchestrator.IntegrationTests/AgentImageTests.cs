using Orchestrator.Contracts;
using Orchestrator.Domain.Nodes;
using Orchestrator.Domain.Tasks;
using Orchestrator.IntegrationTests.Infrastructure;
using Orchestrator.WorkerAgent.Runtime;
using Xunit.Abstractions;

namespace Orchestrator.IntegrationTests;

/// <summary>Three agents deployed as users deploy them: containers of the agent image, configured by environment.</summary>
[Collection(AgentImageClusterCollection.Name)]
public sealed class AgentImageTests(AgentImageClusterFixture cluster, ITestOutputHelper output)
{
    private static object Sleeper(string name) => new
    {
        name,
        image = TestImages.Workload,
        command = new[] { "sleep", "600" },
        resources = new { cpu = 0.25m, memoryMb = 32 },
        stopTimeoutSeconds = 0,
    };

    [Fact]
    public async Task Tasks_spread_across_the_three_agents_and_each_runs_only_its_own_nodes_containers()
    {
        foreach (var (name, elapsed) in cluster.TimeToReady)
            output.WriteLine($"{name}: container created to node Ready in {elapsed.TotalSeconds:0.0} s");

        var submitted = await Task.WhenAll(Enumerable.Range(0, 6).Select(i => cluster.SubmitAsync(Sleeper($"spread-{i}"))));
        var ids = submitted.Select(t => t.Id).ToHashSet();
        var running = await cluster.WaitForAllAsync(ids, ts => ts.All(t => t.State == TaskState.Running));

        // Spread puts two of the six on each empty node.
        Assert.All(cluster.AgentNodes.Values, node => Assert.Equal(2, running.Count(t => t.NodeId == node.Id)));
        foreach (var task in running)
        {
            var container = Assert.Single(await cluster.ContainersOfTaskAsync(task.Id));
            Assert.Equal(task.ContainerId, container.ID);
            Assert.Equal(task.NodeId.ToString(), container.Labels[ContainerLabels.NodeId]);
            Assert.Equal("running", container.State);
        }
        await cluster.StopAllAsync(ids);
    }

    [Fact]
    public async Task A_task_of_an_agent_container_reads_its_file_which_the_agent_wrote_at_the_hosts_path()
    {
        var submitted = await cluster.SubmitAsync(new
        {
            name = "image-agent-files",
            image = TestImages.Workload,
            command = new[] { "sh", "-c", "cat /etc/app/app.yaml; exec sleep 600" },
            files = new[] { new { target = "/etc/app/app.yaml", content = "written by an agent in a container\n" } },
            resources = new { cpu = 0.25m, memoryMb = 32 },
            stopTimeoutSeconds = 0,
        });

        await cluster.WaitForStateAsync(submitted.Id, TaskState.Running);
        await cluster.WaitForLogAsync(submitted.Id, "written by an agent in a container");
        await cluster.StopAndWaitAsync(submitted.Id);
    }

    [Fact]
    public async Task Killing_an_agent_container_moves_its_tasks_to_the_other_two_and_they_leave_its_containers_alone()
    {
        var victim = cluster.AgentNodes["host-c"];
        var submitted = await Task.WhenAll(Enumerable.Range(0, 3).Select(i => cluster.SubmitAsync(Sleeper($"moved-{i}"))));
        var ids = submitted.Select(t => t.Id).ToHashSet();
        var running = await cluster.WaitForAllAsync(ids, ts => ts.All(t => t.State == TaskState.Running));
        var victims = running.Where(t => t.NodeId == victim.Id).ToList();
        Assert.NotEmpty(victims);

        await cluster.Docker.Containers.KillContainerAsync(cluster.ContainerOf(victim.Name), new Docker.DotNet.Models.ContainerKillParameters());
        await cluster.WaitForNodeAsync(victim.Id, NodeStatus.Down);
        var moved = await cluster.WaitForAllAsync(ids, ts => ts.All(t => t.State == TaskState.Running && t.NodeId != victim.Id));

        foreach (var task in victims)
        {
            var now = moved.Single(t => t.Id == task.Id);
            var containers = await cluster.ContainersOfTaskAsync(task.Id);
            // The new container runs under its new node; the old one still runs, untouched by the other agents
            // even though they share its engine, because it is labelled with the dead agent's node.
            Assert.Contains(containers, c => c.ID == now.ContainerId && c.Labels[ContainerLabels.NodeId] == now.NodeId.ToString());
            Assert.Contains(containers, c => c.ID == task.ContainerId && c.State == "running" && c.Labels[ContainerLabels.NodeId] == victim.Id.ToString());
        }

        // The agent's container started again is the same node; it removes the orphans it finds.
        await cluster.RestartAgentAsync(victim.Name);
        await ClusterFixtureBase.WaitUntilAsync(async () => (await Task.WhenAll(victims.Select(t => cluster.ContainersOfTaskAsync(t.Id))))
            .All(containers => containers.All(c => c.Labels[ContainerLabels.NodeId] != victim.Id.ToString())));
        await cluster.StopAllAsync(ids);
    }

    [Fact]
    public async Task An_agent_container_exits_cleanly_on_SIGTERM_and_its_node_returns_with_its_pinned_task_when_started_again()
    {
        var host = cluster.AgentNodes["host-a"];
        var task = await cluster.SubmitAsync(new
        {
            name = "kept",
            image = TestImages.Workload,
            command = new[] { "sleep", "600" },
            resources = new { cpu = 0.25m, memoryMb = 32 },
            stopTimeoutSeconds = 0,
            nodeId = host.Id,
        });
        await cluster.WaitForStateAsync(task.Id, TaskState.Running);

        // docker stop sends SIGTERM and waits 10 s before SIGKILL; exit code 0 means the agent shut down by itself.
        await cluster.Docker.Containers.StopContainerAsync(cluster.ContainerOf(host.Name), new Docker.DotNet.Models.ContainerStopParameters { WaitBeforeKillSeconds = 10 });
        var state = await cluster.AgentStateAsync(host.Name);
        Assert.Equal(0, state.ExitCode);
        Assert.False(state.OOMKilled);

        // The same container started again is the same node (its id is in the container's data path). Whether the
        // node was marked Down meanwhile depends on how long the restart took against the 4 s TTL: either way the
        // pinned task ends Running there, in exactly one container.
        await cluster.RestartAgentAsync(host.Name);
        await ClusterFixtureBase.WaitUntilAsync(async () =>
        {
            var now = await cluster.GetTaskAsync(task.Id);
            return now.State == TaskState.Running && now.NodeId == host.Id
                && (await cluster.ContainersOfTaskAsync(task.Id)).Count == 1;
        });
        await cluster.StopAllAsync([task.Id]);
    }
}
