using System.Net;
using MassTransit;
using Orchestrator.Contracts;
using Orchestrator.Domain.Tasks;
using Orchestrator.IntegrationTests.Infrastructure;
using Orchestrator.WorkerAgent.Runtime;

namespace Orchestrator.IntegrationTests;

[Collection(ClusterCollection.Name)]
public sealed class TaskLifecycleTests(ClusterFixture cluster)
{
    [Fact]
    public async Task A_container_whose_start_report_was_lost_is_recorded_Running_from_the_heartbeat()
    {
        var submitted = await cluster.SubmitAsync(new
        {
            name = "start-report-lost",
            image = TestImages.Workload,
            command = new[] { "sh", "-c", "exec httpd -f -p 8080 -h /" },
            resources = new { cpu = 0.1, memoryMb = 32, diskMb = 10 },
            ports = new[] { new { containerPort = 8080, hostPort = 0 } },
            stopTimeoutSeconds = 1,
        });
        var running = await cluster.WaitForStateAsync(submitted.Id, TaskState.Running);

        // What StateStore holds when the agent's TaskStarted never reached it: the task still Scheduled, with no
        // container. The container runs on, and the agent lists it in every heartbeat. The placement is put 50 s in
        // the past, so the minute's grace for the report ends 10 s from now: the check just below reads the task
        // before any heartbeat may stand in for the report.
        await cluster.ExecuteSqlAsync($"""
            UPDATE orchestrator.tasks
            SET "State" = 'Scheduled', "ContainerId" = NULL, "Ports" = '[]', "ScheduledAt" = now() - interval '50 seconds'
            WHERE "Id" = '{submitted.Id}'
            """);
        Assert.Equal(TaskState.Scheduled, (await cluster.GetTaskAsync(submitted.Id)).State);

        var repaired = await cluster.WaitForStateAsync(submitted.Id, TaskState.Running);
        Assert.Equal(running.ContainerId, repaired.ContainerId);
        Assert.Equal(running.Ports.Single().HostPort, Assert.Single(repaired.Ports).HostPort);
        Assert.Contains(await cluster.EventsAsync(submitted.Id), e => e.Reason.Contains("start report never arrived"));

        await cluster.StopAndWaitAsync(submitted.Id);
    }

    [Fact]
    public async Task Submitted_task_runs_as_a_real_container_serves_its_port_and_ends_Completed_when_deleted()
    {
        var submitted = await cluster.SubmitAsync(new
        {
            name = "web",
            image = TestImages.Workload,
            command = new[] { "sh", "-c", "mkdir -p /www && echo \"hello from $GREETING\" > /www/index.html && exec httpd -f -p 8080 -h /www" },
            env = new Dictionary<string, string> { ["GREETING"] = "the task" },
            resources = new { cpu = 0.5, memoryMb = 64, diskMb = 100 },
            ports = new[] { new { containerPort = 8080, hostPort = 0 } },
            stopTimeoutSeconds = 1,
        });
        Assert.Equal(TaskState.Pending, submitted.State);

        var running = await cluster.WaitForStateAsync(submitted.Id, TaskState.Running);
        Assert.Equal(cluster.Node.Id, running.NodeId);
        Assert.NotNull(running.StartedAt);
        var hostPort = Assert.Single(running.Ports).HostPort;
        Assert.InRange(hostPort, 1, 65535);

        // The engine holds a real container with the task's limits and owning labels.
        var container = await cluster.Docker.Containers.InspectContainerAsync(running.ContainerId!);
        Assert.True(container.State.Running);
        Assert.Equal(500_000_000L, container.HostConfig.NanoCPUs);
        Assert.Equal(64L * 1024 * 1024, container.HostConfig.Memory);
        Assert.Equal(submitted.Id.ToString(), container.Config.Labels[ContainerLabels.TaskId]);
        Assert.Equal(cluster.Node.Id.ToString(), container.Config.Labels[ContainerLabels.NodeId]);
        Assert.Contains("GREETING=the task", container.Config.Env);

        // Its published port answers on this host.
        Assert.Equal("hello from the task\n", await TaskHttp.FetchAsync($"http://127.0.0.1:{hostPort}/index.html"));

        var stop = await cluster.Api.DeleteAsync($"/api/tasks/{submitted.Id}");
        Assert.Equal(HttpStatusCode.Accepted, stop.StatusCode);
        var completed = await cluster.WaitForStateAsync(submitted.Id, TaskState.Completed);
        Assert.NotNull(completed.FinishedAt);
        Assert.Equal(DesiredState.Stopped, completed.DesiredState);
        Assert.Empty(await cluster.ContainersOfTaskAsync(submitted.Id));
    }

    [Fact]
    public async Task Container_that_exits_3_ends_Failed_with_exit_code_3()
    {
        var submitted = await cluster.SubmitAsync(new
        {
            name = "exits-three",
            image = TestImages.Workload,
            command = new[] { "sh", "-c", "exit 3" },
        });

        var failed = await cluster.WaitForStateAsync(submitted.Id, TaskState.Failed);

        Assert.Equal(3, failed.ExitCode);
        Assert.NotNull(failed.FinishedAt);
        Assert.Contains("exited with code 3", failed.Message);
        await cluster.Api.DeleteAsync($"/api/tasks/{submitted.Id}");
    }

    [Fact]
    public async Task Container_that_exits_0_ends_Completed_with_exit_code_0()
    {
        var submitted = await cluster.SubmitAsync(new { name = "exits-zero", image = TestImages.Workload, command = new[] { "true" } });

        var completed = await cluster.WaitForStateAsync(submitted.Id, TaskState.Completed);

        Assert.Equal(0, completed.ExitCode);
        Assert.Equal(DesiredState.Running, completed.DesiredState);

        // Deleting a finished task changes nothing in its record and removes the container kept for its logs.
        Assert.Equal(System.Net.HttpStatusCode.Accepted, (await cluster.Api.DeleteAsync($"/api/tasks/{submitted.Id}")).StatusCode);
        using (var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(60)))
            while ((await cluster.ContainersOfTaskAsync(submitted.Id)).Count > 0)
                await Task.Delay(100, deadline.Token);
        var after = await cluster.GetTaskAsync(submitted.Id);
        Assert.Equal(completed.Version, after.Version);
        Assert.Equal(DesiredState.Running, after.DesiredState);
        Assert.Equal("exited with code 0", after.Message);
    }

    [Fact]
    public async Task Image_missing_from_the_node_ends_Failed_saying_so()
    {
        var submitted = await cluster.SubmitAsync(new { name = "no-image", image = "orchestrator/not-built-anywhere:1" });

        var failed = await cluster.WaitForStateAsync(submitted.Id, TaskState.Failed);

        Assert.Contains("image orchestrator/not-built-anywhere:1 not present and cannot be pulled", failed.Message);
        Assert.Null(failed.ExitCode);
    }

    [Fact]
    public async Task Task_that_fits_nowhere_stays_Pending_with_the_reason_and_can_be_cancelled()
    {
        var submitted = await cluster.SubmitAsync(new { name = "too-big", image = TestImages.Workload, resources = new { cpu = 256 } });

        var pending = await cluster.WaitForTaskAsync(submitted.Id, task => task.Message?.StartsWith("no Ready node") == true, "explained");
        Assert.Equal(TaskState.Pending, pending.State);
        Assert.Contains("256 cpu", pending.Message);
        Assert.Contains("1 short of cpu", pending.Message);

        await cluster.Api.DeleteAsync($"/api/tasks/{submitted.Id}");
        var cancelled = await cluster.WaitForStateAsync(submitted.Id, TaskState.Completed);
        Assert.Null(cancelled.NodeId);
        Assert.Equal("cancelled before placement", cancelled.Message);
    }

    [Fact]
    public async Task Tasks_no_node_can_take_do_not_hold_up_the_placeable_ones_behind_them()
    {
        // More than a batch (ClusterFixture's Scheduler fetches three at a time) of tasks that fit nowhere, first.
        var tooBig = new List<TaskDetails>();
        for (var i = 0; i < 7; i++)
            tooBig.Add(await cluster.SubmitAsync(new { name = $"too-big-{i}", image = TestImages.Workload, resources = new { cpu = 256 } }));
        await cluster.WaitForAllAsync(tooBig.Select(t => t.Id).ToHashSet(), tasks => tasks.All(t => t.Message?.StartsWith("no Ready node") == true));

        var placeable = await cluster.SubmitAsync(new { name = "behind", image = TestImages.Workload, command = new[] { "sleep", "300" }, stopTimeoutSeconds = 1 });

        var running = await cluster.WaitForStateAsync(placeable.Id, TaskState.Running);
        Assert.Equal(cluster.Node.Id, running.NodeId);
        foreach (var task in tooBig)
            Assert.Equal(TaskState.Pending, (await cluster.GetTaskAsync(task.Id)).State);
        await cluster.StopAllAsync(tooBig.Select(t => t.Id).Append(placeable.Id));
    }

    [Fact]
    public async Task Tasks_with_the_same_name_submitted_together_each_get_a_container()
    {
        var spec = new { name = "twin", image = TestImages.Workload, command = new[] { "sleep", "300" }, stopTimeoutSeconds = 1 };
        var submitted = await Task.WhenAll(cluster.SubmitAsync(spec), cluster.SubmitAsync(spec), cluster.SubmitAsync(spec));

        var running = await Task.WhenAll(submitted.Select(task => cluster.WaitForStateAsync(task.Id, TaskState.Running)));

        Assert.Equal(3, running.Select(task => task.ContainerId).Distinct().Count());
        foreach (var task in submitted)
            await cluster.Api.DeleteAsync($"/api/tasks/{task.Id}");
        foreach (var task in submitted)
            await cluster.WaitForStateAsync(task.Id, TaskState.Completed);
    }

    [Fact]
    public async Task A_submission_delivered_twice_records_one_task()
    {
        var client = cluster.RequestClient<SubmitTask>();
        var command = new SubmitTask(Guid.NewGuid(), new TaskSpec
        {
            Name = "twice",
            Image = TestImages.Workload,
            Command = ["sleep", "300"],
            StopTimeoutSeconds = 1,
        });

        var first = await client.GetResponse<TaskDetails>(command);
        var second = await client.GetResponse<TaskDetails>(command);

        Assert.Equal(command.TaskId, first.Message.Id);
        Assert.Equal(command.TaskId, second.Message.Id);
        Assert.Equal(first.Message.CreatedAt, second.Message.CreatedAt, TimeSpan.FromMilliseconds(1)); // the database keeps microseconds
        var running = await cluster.WaitForStateAsync(command.TaskId, TaskState.Running);
        var events = await cluster.EventsAsync(command.TaskId);
        Assert.Single(events, e => e.State == TaskState.Pending);
        Assert.Single(await cluster.ContainersOfTaskAsync(command.TaskId));
        await cluster.StopAndWaitAsync(running.Id);
    }

    [Fact]
    public async Task Stopping_twice_is_harmless()
    {
        var submitted = await cluster.SubmitAsync(new { name = "sleeper", image = TestImages.Workload, command = new[] { "sleep", "300" }, stopTimeoutSeconds = 1 });
        await cluster.WaitForStateAsync(submitted.Id, TaskState.Running);

        var first = await cluster.Api.DeleteAsync($"/api/tasks/{submitted.Id}");
        var second = await cluster.Api.DeleteAsync($"/api/tasks/{submitted.Id}");

        Assert.Equal(HttpStatusCode.Accepted, first.StatusCode);
        Assert.Equal(HttpStatusCode.Accepted, second.StatusCode);
        var completed = await cluster.WaitForStateAsync(submitted.Id, TaskState.Completed);
        Assert.Equal("stopped by user", completed.Message);
        Assert.Empty(await cluster.ContainersOfTaskAsync(submitted.Id));
    }
}
