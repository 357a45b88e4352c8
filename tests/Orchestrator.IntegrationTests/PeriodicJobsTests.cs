using System.Net;
using System.Net.Http.Json;
using Orchestrator.Contracts;
using Orchestrator.Domain.Jobs;
using Orchestrator.Domain.Tasks;
using Orchestrator.IntegrationTests.Infrastructure;

namespace Orchestrator.IntegrationTests;

/// <summary>Periodic jobs on the real engine: runs on a cron schedule, each a batch job, as the overlap policy says.</summary>
[Collection(ClusterCollection.Name)]
public sealed class PeriodicJobsTests(ClusterFixture cluster, Xunit.Abstractions.ITestOutputHelper output)
{
    private static object Task(params string[] command) => new
    {
        image = TestImages.Workload,
        command,
        resources = new { cpu = 0.05, memoryMb = 16, diskMb = 10 },
        stopTimeoutSeconds = 0,
    };

    [Fact]
    public async Task A_job_on_every_minute_runs_twice_in_just_over_a_minute_and_with_skip_a_long_run_blocks_the_next()
    {
        const string quick = "periodic-quick", slow = "periodic-slow";
        try
        {
            var created = await ApplyAsync(quick, new { type = "batch", schedule = "* * * * *", overlap = "allow", task = Task("sh", "-c", "echo ran") });
            Assert.Equal(("* * * * *", OverlapPolicy.Allow), (created.Schedule, created.Overlap));
            Assert.Empty(created.Runs!);
            var slowJob = await ApplyAsync(slow, new { type = "batch", schedule = "* * * * *", task = Task("sleep", "600") });
            Assert.Equal(OverlapPolicy.Skip, slowJob.Overlap);

            var twice = await WaitForJobAsync(quick, job => job.Runs!.Count(r => r.Status == JobStatus.Complete) == 2, TimeSpan.FromSeconds(150));
            var runs = twice.Runs!.OrderBy(r => r.ScheduledAt).ToList();
            Assert.Equal(TimeSpan.FromMinutes(1), runs[1].ScheduledAt - runs[0].ScheduledAt);
            Assert.All(runs, r => Assert.Equal(0, r.ScheduledAt.Second));
            Assert.All(runs, r => Assert.Equal($"{quick}-{r.ScheduledAt.ToUnixTimeSeconds()}", r.Name));
            Assert.Equal(runs[1].ScheduledAt.AddMinutes(1), twice.NextRunAt);

            // Each run is a batch job of its own, whose task ran the job's command.
            // Not asserted: docs/performance.md reports how late each run started against its time.
            foreach (var due in runs)
            {
                var started = await cluster.Api.GetFromJsonAsync<JobDetails>($"/api/jobs/{due.Name}", ClusterFixtureBase.Json);
                output.WriteLine($"run {due.Name}: made {(started!.CreatedAt - due.ScheduledAt).TotalMilliseconds:0} ms after its time");
            }
            var run = await cluster.Api.GetFromJsonAsync<JobDetails>($"/api/jobs/{runs[0].Name}", ClusterFixtureBase.Json);
            Assert.Equal((quick, JobStatus.Complete, 1), (run!.Parent, run.Status, run.Succeeded));
            var task = Assert.Single((await cluster.Api.GetFromJsonAsync<List<TaskDetails>>($"/api/tasks?job={runs[0].Name}", ClusterFixtureBase.Json))!);
            Assert.Equal((TaskState.Completed, $"{runs[0].Name}-1"), (task.State, task.Name));
            Assert.Equal("ran", (await cluster.Api.GetStringAsync($"/api/tasks/{task.Id}/logs")).Trim());

            // The slow job's first run still runs at the second minute, so that run was skipped, and said so.
            var blocked = await WaitForJobAsync(slow, job => job.Message is not null, TimeSpan.FromSeconds(10));
            var only = Assert.Single(blocked.Runs!);
            Assert.Equal(JobStatus.Running, only.Status);
            Assert.StartsWith($"skipped the run due at {runs[1].ScheduledAt:u}: {only.Name} is still running", blocked.Message);
        }
        finally
        {
            await cluster.Api.DeleteAsync($"/api/jobs/{quick}");
            await cluster.Api.DeleteAsync($"/api/jobs/{slow}");
        }
    }

    [Fact]
    public async Task Replace_stops_the_running_run_run_now_starts_one_at_once_and_deleting_the_job_stops_its_runs()
    {
        const string name = "periodic-replace";
        // Six fields: every 4 seconds, so the test need not wait for minutes.
        await ApplyAsync(name, new { type = "batch", schedule = "*/4 * * * * *", overlap = "replace", keepRuns = 1, task = Task("sleep", "600") });

        // Three runs in: the first was replaced by the second, the second by the third; one finished run is kept.
        var replaced = await WaitForJobAsync(name, job => job.Runs!.Count(r => r.Status == JobStatus.Failed) == 1
            && job.Runs!.Any(r => r.Status == JobStatus.Running) && job.Runs!.Min(r => r.ScheduledAt) > job.CreatedAt.AddSeconds(4), TimeSpan.FromSeconds(60));
        var failed = replaced.Runs!.Single(r => r.Status == JobStatus.Failed);
        var running = replaced.Runs!.Single(r => r.Status == JobStatus.Running);
        Assert.Equal(2, replaced.Runs!.Count);
        Assert.Equal($"stopped: replaced by {running.Name}", failed.Message);
        var stopped = Assert.Single((await cluster.Api.GetFromJsonAsync<List<TaskDetails>>($"/api/tasks?job={failed.Name}", ClusterFixtureBase.Json))!);
        await cluster.WaitForTaskAsync(stopped.Id, t => t.State == TaskState.Completed, "stopped");
        Assert.Empty(await cluster.ContainersOfTaskAsync(stopped.Id));

        var response = await cluster.Api.PostAsync($"/api/jobs/{name}/run-now", null);
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var now = (await response.Content.ReadFromJsonAsync<JobDetails>(ClusterFixtureBase.Json))!;
        Assert.Equal((name, JobStatus.Running), (now.Parent, now.Status));
        Assert.Equal($"{now.Name}-1", Assert.Single(now.Tasks).Name);

        var delete = await cluster.Api.DeleteAsync($"/api/jobs/{name}");
        Assert.Equal(HttpStatusCode.Accepted, delete.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await cluster.Api.GetAsync($"/api/jobs/{now.Name}")).StatusCode);
        var last = Assert.Single((await cluster.Api.GetFromJsonAsync<List<TaskDetails>>($"/api/tasks?job={now.Name}", ClusterFixtureBase.Json))!);
        await cluster.WaitForTaskAsync(last.Id, t => TaskStateMachine.IsTerminal(t.State), "finished");
        Assert.DoesNotContain((await cluster.Api.GetFromJsonAsync<List<JobDetails>>("/api/jobs", ClusterFixtureBase.Json))!, j => j.Name.StartsWith(name));
    }

    [Fact]
    public async Task Run_now_is_refused_for_a_job_without_a_schedule_and_a_bad_schedule_is_named()
    {
        var bad = await cluster.Api.PutAsJsonAsync("/api/jobs/periodic-bad", new { type = "batch", schedule = "61 * * * *", timeZone = "Nowhere/Town", task = Task("true") }, ClusterFixtureBase.Json);
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        var errors = (await bad.Content.ReadFromJsonAsync<System.Text.Json.JsonElement>()).GetProperty("errors");
        Assert.Equal(["schedule", "timeZone"], errors.EnumerateObject().Select(e => e.Name).Order());
        Assert.Equal(HttpStatusCode.NotFound, (await cluster.Api.GetAsync("/api/jobs/periodic-bad")).StatusCode);

        await ApplyAsync("periodic-none", new { type = "batch", task = Task("true") });
        Assert.Equal(HttpStatusCode.Conflict, (await cluster.Api.PostAsync("/api/jobs/periodic-none/run-now", null)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await cluster.Api.PostAsync("/api/jobs/periodic-missing/run-now", null)).StatusCode);
        await cluster.Api.DeleteAsync("/api/jobs/periodic-none");
    }

    private async Task<JobDetails> ApplyAsync(string name, object body)
    {
        var response = await cluster.Api.PutAsJsonAsync($"/api/jobs/{name}", body, ClusterFixtureBase.Json);
        Assert.True(response.StatusCode == HttpStatusCode.Created, $"{response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
        return (await response.Content.ReadFromJsonAsync<JobDetails>(ClusterFixtureBase.Json))!;
    }

    private async Task<JobDetails> WaitForJobAsync(string name, Func<JobDetails, bool> condition, TimeSpan within)
    {
        using var deadline = new CancellationTokenSource(within);
        while (true)
        {
            var job = await cluster.Api.GetFromJsonAsync<JobDetails>($"/api/jobs/{name}", ClusterFixtureBase.Json);
            if (job is not null && condition(job))
                return job;
            if (deadline.IsCancellationRequested)
                Assert.Fail($"Job {name} never got there; last seen: {job?.Message}; runs: " +
                    string.Join("; ", job?.Runs?.Select(r => $"{r.Name} {r.Status} {r.Message}") ?? []));
            await System.Threading.Tasks.Task.Delay(500);
        }
    }
}
