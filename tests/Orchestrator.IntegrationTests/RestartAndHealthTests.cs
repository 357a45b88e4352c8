using Orchestrator.Contracts;
using Orchestrator.Domain.Tasks;
using Orchestrator.IntegrationTests.Infrastructure;

namespace Orchestrator.IntegrationTests;

[Collection(ClusterCollection.Name)]
public sealed class RestartAndHealthTests(ClusterFixture cluster)
{
    private const string ServeIndex = "mkdir -p /www && echo ok > /www/index.html && exec httpd -f -p 8080 -h /www";

    [Fact]
    public async Task Container_that_always_exits_1_is_restarted_up_to_the_limit_then_ends_Failed_with_its_history()
    {
        var submitted = await cluster.SubmitAsync(new
        {
            name = "crashes",
            image = TestImages.Workload,
            command = new[] { "sh", "-c", "exit 1" },
            restartPolicy = new { mode = "OnFailure", maxRestarts = 2, backoffSeconds = 1, maxBackoffSeconds = 2 },
        });

        var failed = await cluster.WaitForStateAsync(submitted.Id, TaskState.Failed);

        Assert.Equal(2, failed.RestartCount);
        Assert.Equal(1, failed.ExitCode);
        Assert.Equal("exited with code 1; gave up after 2 restarts", failed.Message);
        var history = await cluster.EventsAsync(submitted.Id);
        Assert.Equal(
            [TaskState.Pending, TaskState.Scheduled, TaskState.Running, TaskState.Running, TaskState.Running, TaskState.Failed],
            history.Select(e => e.State));
        Assert.Equal("exited with code 1; restart 1 of 2", history[3].Reason);
        Assert.Equal("exited with code 1; restart 2 of 2", history[4].Reason);
        Assert.Equal([null, null, null, 1L, 1L, 1L], history.Select(e => e.ExitCode));
        Assert.All(history.Skip(1), e => Assert.Equal(cluster.Node.Id, e.NodeId));
        Assert.True(history.Zip(history.Skip(1)).All(pair => pair.First.At <= pair.Second.At), "events are in order");
        await cluster.Api.DeleteAsync($"/api/tasks/{submitted.Id}");
    }

    [Fact]
    public async Task Always_restarts_even_after_exit_0()
    {
        var submitted = await cluster.SubmitAsync(new
        {
            name = "always",
            image = TestImages.Workload,
            command = new[] { "true" },
            restartPolicy = new { mode = "Always", maxRestarts = 2, backoffSeconds = 0, maxBackoffSeconds = 0 },
        });

        var completed = await cluster.WaitForStateAsync(submitted.Id, TaskState.Completed);

        Assert.Equal(2, completed.RestartCount);
        Assert.Equal("exited with code 0; gave up after 2 restarts", completed.Message);
        await cluster.Api.DeleteAsync($"/api/tasks/{submitted.Id}");
    }

    [Fact]
    public async Task Never_ends_the_task_at_its_first_exit()
    {
        var submitted = await cluster.SubmitAsync(new
        {
            name = "never",
            image = TestImages.Workload,
            command = new[] { "sh", "-c", "exit 7" },
            restartPolicy = new { mode = "Never" },
        });

        var failed = await cluster.WaitForStateAsync(submitted.Id, TaskState.Failed);

        Assert.Equal(0, failed.RestartCount);
        Assert.Equal(7, failed.ExitCode);
        Assert.DoesNotContain(await cluster.EventsAsync(submitted.Id), e => e.Reason.Contains("restart"));
        await cluster.Api.DeleteAsync($"/api/tasks/{submitted.Id}");
    }

    [Fact]
    public async Task Http_health_check_that_passes_makes_the_task_Healthy()
    {
        var submitted = await cluster.SubmitAsync(new
        {
            name = "healthy-web",
            image = TestImages.Workload,
            command = new[] { "sh", "-c", ServeIndex },
            healthCheck = new { type = "http", port = 8080, path = "/index.html", intervalSeconds = 1, timeoutSeconds = 1, failureThreshold = 2, gracePeriodSeconds = 0 },
            stopTimeoutSeconds = 1,
        });

        var healthy = await cluster.WaitForTaskAsync(submitted.Id, task => task.Health == HealthStatus.Healthy, "Healthy");

        Assert.Equal(TaskState.Running, healthy.State);
        Assert.Equal("HTTP 200", healthy.LastProbeResult);
        Assert.NotNull(healthy.LastProbeAt);
        await cluster.StopAndWaitAsync(submitted.Id);
    }

    [Fact]
    public async Task Http_health_check_that_fails_restarts_the_container_then_ends_Failed()
    {
        var submitted = await cluster.SubmitAsync(new
        {
            name = "unhealthy-web",
            image = TestImages.Workload,
            command = new[] { "sh", "-c", ServeIndex },
            healthCheck = new { type = "http", port = 8080, path = "/missing", intervalSeconds = 1, timeoutSeconds = 1, failureThreshold = 2, gracePeriodSeconds = 0 },
            restartPolicy = new { mode = "OnFailure", maxRestarts = 1, backoffSeconds = 0, maxBackoffSeconds = 0 },
            stopTimeoutSeconds = 1,
        });

        var failed = await cluster.WaitForStateAsync(submitted.Id, TaskState.Failed);

        Assert.Equal(1, failed.RestartCount);
        Assert.StartsWith("exited with code ", failed.Message);
        Assert.Contains("health check failed: HTTP 404 (2 failures in a row); gave up after 1 restart", failed.Message);
        var restart = Assert.Single(await cluster.EventsAsync(submitted.Id), e => e.Reason.Contains("restart 1 of 1"));
        Assert.StartsWith("health check failed: HTTP 404", restart.Reason);
        await cluster.Api.DeleteAsync($"/api/tasks/{submitted.Id}");
    }

    [Fact]
    public async Task Tcp_health_check_passes_when_the_port_accepts()
    {
        var submitted = await cluster.SubmitAsync(new
        {
            name = "tcp-check",
            image = TestImages.Workload,
            command = new[] { "sh", "-c", ServeIndex },
            healthCheck = new { type = "tcp", port = 8080, intervalSeconds = 1, timeoutSeconds = 1, failureThreshold = 2, gracePeriodSeconds = 0 },
            stopTimeoutSeconds = 1,
        });

        var healthy = await cluster.WaitForTaskAsync(submitted.Id, task => task.Health == HealthStatus.Healthy, "Healthy");

        Assert.Equal("TCP connect to port 8080 succeeded", healthy.LastProbeResult);
        await cluster.StopAndWaitAsync(submitted.Id);
    }

    [Fact]
    public async Task Task_that_goes_over_its_memory_is_OOM_killed_and_says_so()
    {
        var submitted = await cluster.SubmitAsync(TestTasks.MemoryHog("memory-hog"));

        var failed = await cluster.WaitForStateAsync(submitted.Id, TaskState.Failed);

        Assert.StartsWith("OOMKilled", failed.Message);
        Assert.Equal(137, failed.ExitCode);
        await cluster.Api.DeleteAsync($"/api/tasks/{submitted.Id}");
    }
}
