using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using ContainerExecCreateParameters = Docker.DotNet.Models.ContainerExecCreateParameters;
using ContainerKillParameters = Docker.DotNet.Models.ContainerKillParameters;
using Orchestrator.Contracts;
using Orchestrator.Domain.Tasks;
using Orchestrator.IntegrationTests.Infrastructure;
using Xunit.Abstractions;

namespace Orchestrator.IntegrationTests;

/// <summary>
/// Services on the real engine, bus and database: the catalog that follows task state and health, its blocking reads,
/// and the gateway in front of a job, which must drop no request while the job rolls out, scales down or leaves a node.
/// All traffic is on loopback: the agents advertise 127.0.0.1.
/// </summary>
[Collection(ServicesClusterCollection.Name)]
public sealed class ServicesTests(ServicesClusterFixture cluster, ITestOutputHelper output)
{
    /// <summary>
    /// busybox's httpd answering its container's host name (its short id) at / and "ok" at /health, until the test
    /// removes /www/health. A start, the first or a restart, writes both again.
    /// </summary>
    private static object WebTask(string service, string? routeHost = null, string version = "1", int failureThreshold = 2) => new
    {
        image = TestImages.Workload,
        command = new[] { "sh", "-c", "mkdir -p /www && hostname > /www/index.html && echo ok > /www/health && exec httpd -f -p 8080 -h /www" },
        env = new Dictionary<string, string> { ["VERSION"] = version },
        resources = new { cpu = 0.05, memoryMb = 16, diskMb = 10 },
        ports = new[] { new { containerPort = 8080 } },
        healthCheck = new { type = "http", port = 8080, path = "/health", intervalSeconds = 1, timeoutSeconds = 1, failureThreshold },
        // A restart waits 3 s, so that a killed instance is out of the gateway for long enough to be seen out.
        restartPolicy = new { mode = "Always", backoffSeconds = 3 },
        stopTimeoutSeconds = 2,
        // httpd as PID 1 would ignore SIGTERM and so linger for the stop timeout; under an init it leaves at once, as a
        // service that handles SIGTERM does, and only the shutdown delay keeps it serving.
        init = true,
        services = new[]
        {
            routeHost is null
                ? (object)new { name = service, port = 8080, tags = new[] { $"v{version}" } }
                : new { name = service, port = 8080, tags = new[] { $"v{version}" }, route = new { host = routeHost, pathPrefix = "/" } },
        },
    };

    [Fact]
    public async Task Service_declarations_that_do_not_fit_the_task_are_refused_naming_the_field()
    {
        var cases = new (object Services, string Field)[]
        {
            (new[] { new { name = "web", port = 9090 } }, "services[0].port"),
            (new[] { new { name = "Web_1", port = 8080 } }, "services[0].name"),
            (new[] { new { name = "web", port = 8080 }, new { name = "web", port = 8080 } }, "services[1].name"),
            (new[] { new { name = "web", port = 8080, route = new { host = "not a host", pathPrefix = "/" } } }, "services[0].route.host"),
            (new[] { new { name = "web", port = 8080, route = new { host = "web.localtest.me", pathPrefix = "api" } } }, "services[0].route.pathPrefix"),
        };
        foreach (var (services, field) in cases)
        {
            var response = await cluster.Api.PostAsJsonAsync("/api/tasks", new
            {
                name = "bad-service", image = TestImages.Workload, ports = new[] { new { containerPort = 8080 } }, services,
            });
            Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
            var problem = await response.Content.ReadFromJsonAsync<ValidationProblem>(ClusterFixtureBase.Json);
            Assert.Contains(field, problem!.Errors.Keys);
        }
        var negative = await cluster.Api.PostAsJsonAsync("/api/tasks", new { name = "bad-delay", image = TestImages.Workload, shutdownDelaySeconds = -1 });
        Assert.Contains("shutdownDelaySeconds", (await negative.Content.ReadFromJsonAsync<ValidationProblem>(ClusterFixtureBase.Json))!.Errors.Keys);

        var tasks = await cluster.Api.GetFromJsonAsync<List<TaskDetails>>("/api/tasks?limit=5000", ClusterFixtureBase.Json);
        Assert.DoesNotContain(tasks!, t => t.Name is "bad-service" or "bad-delay");
    }

    [Fact]
    public async Task Two_jobs_cannot_claim_one_route()
    {
        var first = await ApplyJobAsync("route-owner", new { count = 0, task = WebTask("owner", "claimed.localtest.me") });
        Assert.Equal(HttpStatusCode.Created, first.StatusCode);
        try
        {
            var second = await ApplyJobAsync("route-thief", new { count = 0, task = WebTask("thief", "Claimed.localtest.me") });
            Assert.Equal(HttpStatusCode.Conflict, second.StatusCode);
            Assert.Contains("route-owner", (await second.Content.ReadFromJsonAsync<ProblemBody>(ClusterFixtureBase.Json))!.Detail);
            Assert.Equal(HttpStatusCode.NotFound, (await cluster.Api.GetAsync("/api/jobs/route-thief")).StatusCode);
            // The owner itself may change.
            Assert.Equal(HttpStatusCode.OK, (await ApplyJobAsync("route-owner", new { count = 0, task = WebTask("owner", "claimed.localtest.me", "2") })).StatusCode);
        }
        finally
        {
            await cluster.Api.DeleteAsync("/api/jobs/route-owner");
        }
    }

    [Fact]
    public async Task A_failing_health_check_takes_an_instance_out_of_the_catalog_and_passing_again_brings_it_back()
    {
        var task = await cluster.SubmitAsync(WithName(WebTask("probed", failureThreshold: 1), "probed"));
        try
        {
            var (passing, index) = await WaitForCatalogAsync("probed", instances => instances.Count(i => i.Passing) == 1);
            var instance = passing.Single(i => i.Passing);
            Assert.Equal((task.Id, "127.0.0.1"), (instance.TaskId, instance.Address));
            Assert.NotNull(instance.Port);

            // The CLI shows the same: the service counted, and its instance at its address.
            var api = cluster.Api.BaseAddress!.ToString();
            var listed = await CliRunner.RunAsync("services", "--api", api, "--api-key", ClusterFixtureBase.ApiKey);
            Assert.Equal(0, listed.ExitCode);
            Assert.Matches(@"probed\s+1\s+0\s+v1", listed.Out);
            var one = await CliRunner.RunAsync("services", "probed", "--api", api, "--api-key", ClusterFixtureBase.ApiKey);
            Assert.Equal(0, one.ExitCode);
            Assert.Contains($"127.0.0.1:{instance.Port}", one.Out);
            Assert.Contains("passing", one.Out);
            var bad = await CliRunner.RunAsync("services", "Not_A_Service", "--api", api, "--api-key", ClusterFixtureBase.ApiKey);
            Assert.NotEqual(0, bad.ExitCode);
            Assert.Contains("not a service name", bad.Err + bad.Out);

            // A task that calls the service starts with its address; one it calls that has no instance, with none.
            var caller = await cluster.SubmitAsync(new
            {
                name = "probed-caller",
                image = TestImages.Workload,
                command = new[] { "sh", "-c", "echo \"probed=[$ORCHESTRATOR_SERVICE_PROBED] none=[$ORCHESTRATOR_SERVICE_NOT_RUNNING]\"; exec sleep 600" },
                upstreams = new[] { "probed", "not-running" },
                init = true,
                stopTimeoutSeconds = 1,
            });
            try
            {
                await cluster.WaitForStateAsync(caller.Id, TaskState.Running);
                await cluster.WaitForLogAsync(caller.Id, $"probed=[127.0.0.1:{instance.Port}] none=[]");
            }
            finally
            {
                await cluster.StopAndWaitAsync(caller.Id);
            }

            // A blocking read made now returns with the change the health check brings, and a new index.
            var blocked = ServiceAsync("probed", index, wait: "60s");
            Assert.False(blocked.IsCompleted);
            var running = await cluster.GetTaskAsync(task.Id);
            await ExecAsync(running.ContainerId!, "rm", "/www/health");
            var changed = await blocked;
            Assert.NotEqual(index, changed.Index);
            Assert.Single(changed.Instances);

            var failing = await WaitForCatalogAsync("probed", instances => instances.Count(i => i.Passing) == 0, changed);
            Assert.Equal(task.Id, Assert.Single(failing.Instances).TaskId);
            // The restart writes the health file again: the instance passes and is back.
            var (back, _) = await WaitForCatalogAsync("probed", instances => instances.Count(i => i.Passing) == 1, failing);
            Assert.Equal(task.Id, back.Single(i => i.Passing).TaskId);
            Assert.True((await cluster.GetTaskAsync(task.Id)).RestartCount >= 1);
        }
        finally
        {
            await cluster.StopAndWaitAsync(task.Id);
        }
        var (gone, _) = await WaitForCatalogAsync("probed", instances => instances.Count == 0);
        Assert.Empty(gone);
    }

    [Fact]
    public async Task A_job_behind_a_route_serves_every_request_through_a_rollout_a_scale_down_and_a_drain()
    {
        const string job = "web";
        const string host = "web.localtest.me";
        const string routeKey = host;
        Assert.Equal(HttpStatusCode.Created, (await ApplyJobAsync(job, new { count = 3, task = WebTask("web", host) })).StatusCode);
        try
        {
            // Every instance is reached through the gateway.
            await WaitForCatalogAsync("web", instances => instances.Count(i => i.Passing) == 3);
            await ClusterFixtureBase.WaitUntilAsync(() => Task.FromResult(cluster.GatewayDestinations(routeKey).Count == 3));
            var containers = await ContainerHostNamesAsync(job);
            var answered = new HashSet<string>();
            using (var gateway = GatewayClient())
                for (var i = 0; i < 300 && answered.Count < 3; i++)
                    answered.Add((await gateway.GetStringAsync("/")).Trim());
            Assert.Equal(containers.Order(), answered.Order());
            // The service's own /health, not the gateway's: service routes come before the gateway's endpoints.
            using (var gateway = GatewayClient())
                Assert.Equal("ok", (await gateway.GetStringAsync("/health")).Trim());

            // A killed container: requests sent to it before the gateway learns fail, but none sent after, and it
            // leaves the gateway before its restart passes and brings it back.
            var victim = (await WaitForJobAsync(job, d => d.Tasks.Count == 3)).Tasks[0];
            var victimDestination = cluster.GatewayDestinations(routeKey).Single(d => d.Contains(victim.Id.ToString("N"), StringComparison.Ordinal));
            DateTimeOffset? leftGateway = null;
            var killLoad = await UnderLoadAsync("kill", async () =>
            {
                var container = Assert.Single(await cluster.ContainersOfTaskAsync(victim.Id));
                await cluster.Docker.Containers.KillContainerAsync(container.ID, new ContainerKillParameters());
                await ClusterFixtureBase.WaitUntilAsync(() => Task.FromResult(!cluster.GatewayDestinations(routeKey).Contains(victimDestination)));
                leftGateway = DateTimeOffset.UtcNow;
                await ClusterFixtureBase.WaitUntilAsync(() => Task.FromResult(cluster.GatewayDestinations(routeKey).Contains(victimDestination)));
            }, allowFailures: true);
            Assert.DoesNotContain(killLoad, failure => failure.SentAt > leftGateway);

            // A rollout: each new instance passes before an old one leaves the catalog, which is before its SIGTERM.
            await UnderLoadAsync("rollout", async () =>
            {
                Assert.Equal(HttpStatusCode.OK, (await ApplyJobAsync(job, new { count = 3, task = WebTask("web", host, version: "2") })).StatusCode);
                await WaitForJobAsync(job, details => details.Revision == 2 && details.Running == 3 && details.Tasks.Count == 3);
                await WaitForCatalogAsync("web", instances => instances.Count == 3 && instances.All(i => i.Passing && i.Tags.Contains("v2")));
            });

            // A scale-down: the instance that goes leaves the gateway before it stops.
            await UnderLoadAsync("scale-down", async () =>
            {
                Assert.Equal(HttpStatusCode.OK, (await cluster.Api.PutAsJsonAsync($"/api/jobs/{job}/scale", new { count = 2 })).StatusCode);
                await WaitForJobAsync(job, details => details.Tasks.Count == 2 && details.Running == 2);
                await WaitForCatalogAsync("web", instances => instances.Count == 2 && instances.All(i => i.Passing));
            });

            // A drain of a node that holds one of the two, while the other node holds the other.
            var details = await WaitForJobAsync(job, d => d.Tasks.Count == 2);
            var byNode = details.Tasks.GroupBy(t => t.NodeId!.Value).ToList();
            Assert.True(byNode.Count == 2, "the spread placement put the job's two instances on the two nodes");
            var drained = byNode[0].Key;
            try
            {
                await UnderLoadAsync("drain", async () =>
                {
                    Assert.Equal(HttpStatusCode.OK, (await cluster.Api.PostAsync($"/api/nodes/{drained}/drain", null)).StatusCode);
                    await WaitForJobAsync(job, d => d.Running == 2 && d.Tasks.Count == 2 && d.Tasks.All(t => t.NodeId != drained));
                    await WaitForCatalogAsync("web", instances => instances.Count == 2 && instances.All(i => i.Passing && i.NodeId != drained));
                });
            }
            finally
            {
                await cluster.Api.PostAsync($"/api/nodes/{drained}/ready", null);
            }
        }
        finally
        {
            await cluster.Api.DeleteAsync($"/api/jobs/{job}");
        }
        await WaitForCatalogAsync("web", instances => instances.Count == 0);
        await ClusterFixtureBase.WaitUntilAsync(() => Task.FromResult(cluster.GatewayDestinations(routeKey).Count == 0));
    }

    /// <summary>
    /// Runs <paramref name="change"/> while four callers send requests through the gateway back to back, then asserts
    /// that every request got a 200, unless <paramref name="allowFailures"/>; answers the requests that failed.
    /// </summary>
    private async Task<IReadOnlyList<FailedRequest>> UnderLoadAsync(string what, Func<Task> change, bool allowFailures = false)
    {
        using var stop = new CancellationTokenSource();
        var failures = new ConcurrentQueue<FailedRequest>();
        var succeeded = 0L;
        using var gateway = GatewayClient();
        var callers = Enumerable.Range(0, 4).Select(_ => Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                var sentAt = DateTimeOffset.UtcNow;
                try
                {
                    using var response = await gateway.GetAsync("/", CancellationToken.None);
                    if (response.IsSuccessStatusCode)
                        Interlocked.Increment(ref succeeded);
                    else
                        failures.Enqueue(new FailedRequest(sentAt, $"{(int)response.StatusCode}"));
                }
                catch (HttpRequestException error)
                {
                    failures.Enqueue(new FailedRequest(sentAt, error.Message));
                }
            }
        })).ToList();
        try
        {
            await change();
        }
        finally
        {
            await stop.CancelAsync();
            await Task.WhenAll(callers);
        }
        output.WriteLine($"{what}: {succeeded} requests succeeded, {failures.Count} failed");
        Assert.True(allowFailures || failures.IsEmpty, $"{what}: {failures.Count} of {succeeded + failures.Count} requests failed: {string.Join("; ", failures.Take(10))}");
        Assert.True(succeeded > 0, $"{what}: no request was sent");
        return failures.ToList();
    }

    /// <param name="SentAt">When the request was sent, by this machine's clock.</param>
    private sealed record FailedRequest(DateTimeOffset SentAt, string Why)
    {
        public override string ToString() => $"{Why}, sent at {SentAt:HH:mm:ss.fff}";
    }

    private HttpClient GatewayClient()
    {
        var client = new HttpClient { BaseAddress = cluster.GatewayAddress, Timeout = TimeSpan.FromSeconds(30) };
        client.DefaultRequestHeaders.Host = "web.localtest.me";
        return client;
    }

    private Task<HttpResponseMessage> ApplyJobAsync(string name, object spec) => cluster.Api.PutAsJsonAsync($"/api/jobs/{name}", spec);

    private async Task<JobDetails> WaitForJobAsync(string name, Func<JobDetails, bool> condition)
    {
        JobDetails? job = null;
        await ClusterFixtureBase.WaitUntilAsync(async () =>
        {
            job = await cluster.Api.GetFromJsonAsync<JobDetails>($"/api/jobs/{name}", ClusterFixtureBase.Json);
            return condition(job!);
        });
        return job!;
    }

    /// <summary>The host names of the job's containers: what busybox's httpd answers at /.</summary>
    private async Task<IReadOnlyList<string>> ContainerHostNamesAsync(string job)
    {
        var details = await cluster.Api.GetFromJsonAsync<JobDetails>($"/api/jobs/{job}", ClusterFixtureBase.Json);
        var names = new List<string>();
        foreach (var task in details!.Tasks)
        {
            var container = Assert.Single(await cluster.ContainersOfTaskAsync(task.Id));
            names.Add((await cluster.Docker.Containers.InspectContainerAsync(container.ID)).Config.Hostname);
        }
        return names;
    }

    /// <summary>One blocking read of a service's instances, failing ones too, and the index it answered with.</summary>
    private async Task<(IReadOnlyList<ServiceInstance> Instances, long Index)> ServiceAsync(string service, long? index, string? wait = null)
    {
        var query = $"/api/services/{service}?all=true";
        if (index is { } known)
            query += $"&index={known.ToString(CultureInfo.InvariantCulture)}&wait={wait ?? "10s"}";
        using var response = await cluster.Api.GetAsync(query);
        response.EnsureSuccessStatusCode();
        var instances = await response.Content.ReadFromJsonAsync<List<ServiceInstance>>(ClusterFixtureBase.Json);
        return (instances!, long.Parse(response.Headers.GetValues("X-Orchestrator-Index").Single(), CultureInfo.InvariantCulture));
    }

    /// <summary>
    /// Follows the catalog with blocking reads until the service's instances satisfy <paramref name="condition"/>,
    /// starting from <paramref name="from"/> (a read already made, checked first) or from a read made now.
    /// </summary>
    private async Task<(IReadOnlyList<ServiceInstance> Instances, long Index)> WaitForCatalogAsync(
        string service, Func<IReadOnlyList<ServiceInstance>, bool> condition, (IReadOnlyList<ServiceInstance> Instances, long Index)? from = null)
    {
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(120));
        var (instances, current) = from ?? await ServiceAsync(service, index: null);
        while (!condition(instances))
        {
            deadline.Token.ThrowIfCancellationRequested();
            (instances, current) = await ServiceAsync(service, current);
        }
        return (instances, current);
    }

    private async Task ExecAsync(string containerId, params string[] command)
    {
        var exec = await cluster.Docker.Exec.ExecCreateContainerAsync(containerId, new ContainerExecCreateParameters { Cmd = command });
        await cluster.Docker.Exec.StartContainerExecAsync(exec.ID);
    }

    private static object WithName(object spec, string name)
    {
        var json = System.Text.Json.JsonSerializer.SerializeToNode(spec, ClusterFixtureBase.Json)!.AsObject();
        json["name"] = name;
        return json;
    }

    private sealed record ValidationProblem(Dictionary<string, string[]> Errors);

    private sealed record ProblemBody(string? Title, string? Detail);
}
