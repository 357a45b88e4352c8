using System.Net;
using System.Net.Http.Json;
using System.Text;
using ContainerKillParameters = Docker.DotNet.Models.ContainerKillParameters;
using Microsoft.Extensions.DependencyInjection;
using Orchestrator.Contracts;
using Orchestrator.Domain.Tasks;
using Orchestrator.IntegrationTests.Infrastructure;
using Orchestrator.WorkerAgent.Supervision;

namespace Orchestrator.IntegrationTests;

[Collection(ClusterCollection.Name)]
public sealed class LogsPortsAndStopTests(ClusterFixture cluster)
{
    [Fact]
    public async Task Logs_return_stdout_and_stderr_with_tail_and_stay_readable_after_exit()
    {
        var submitted = await cluster.SubmitAsync(new
        {
            name = "chatty",
            image = TestImages.Workload,
            // The engine copies stdout and stderr separately, so lines written in the same instant on both may be
            // logged in either order; the pause makes the order written unambiguous.
            command = new[] { "sh", "-c", "for i in 1 2 3 4 5; do echo line-$i; done; sleep 0.3; echo err-line >&2; exit 2" },
            restartPolicy = new { mode = "Never" },
        });
        await cluster.WaitForStateAsync(submitted.Id, TaskState.Failed);

        var all = await cluster.Api.GetStringAsync($"/api/tasks/{submitted.Id}/logs");
        var lastTwo = await cluster.Api.GetStringAsync($"/api/tasks/{submitted.Id}/logs?tail=2");

        Assert.Equal("line-1\nline-2\nline-3\nline-4\nline-5\nerr-line\n", all);
        Assert.Equal("line-5\nerr-line\n", lastTwo);
        await cluster.Api.DeleteAsync($"/api/tasks/{submitted.Id}");
    }

    [Fact]
    public async Task A_log_longer_than_a_chunk_comes_back_whole_and_limitBytes_stops_it_early()
    {
        // About 350 KB: more than one chunk (TaskLogs.MaxChunkBytes) from the agent.
        var submitted = await cluster.SubmitAsync(new
        {
            name = "long-log",
            image = TestImages.Workload,
            command = new[] { "seq", "1", "60000" },
            restartPolicy = new { mode = "Never" },
        });
        await cluster.WaitForStateAsync(submitted.Id, TaskState.Completed);
        var expected = string.Concat(Enumerable.Range(1, 60000).Select(i => $"{i}\n"));
        Assert.True(Encoding.UTF8.GetByteCount(expected) > Contracts.TaskLogs.MaxChunkBytes);

        var whole = await cluster.Api.GetStringAsync($"/api/tasks/{submitted.Id}/logs");
        var limited = await cluster.Api.GetStringAsync($"/api/tasks/{submitted.Id}/logs?limitBytes=100");
        using var refused = await cluster.Api.GetAsync($"/api/tasks/{submitted.Id}/logs?limitBytes=0");

        Assert.Equal(expected, whole);
        Assert.Equal(expected[..100], limited);
        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        Assert.Contains("limitBytes", await refused.Content.ReadAsStringAsync());
        await cluster.Api.DeleteAsync($"/api/tasks/{submitted.Id}");
    }

    [Fact]
    public async Task A_crashed_tasks_output_tail_is_shown_after_its_container_is_removed_and_says_it_is_only_that()
    {
        var short_ = await cluster.SubmitAsync(new
        {
            name = "crashed-short",
            image = TestImages.Workload,
            command = new[] { "sh", "-c", "echo starting; sleep 0.3; echo 'cannot open /data/db' >&2; exit 3" },
            restartPolicy = new { mode = "Never" },
        });
        // Nine thousand bytes or so: more than is kept.
        var long_ = await cluster.SubmitAsync(new
        {
            name = "crashed-long",
            image = TestImages.Workload,
            command = new[] { "sh", "-c", "i=1; while [ $i -le 1500 ]; do echo row-$i; i=$((i+1)); done; exit 1" },
            restartPolicy = new { mode = "Never" },
        });
        foreach (var id in new[] { short_.Id, long_.Id })
        {
            await cluster.WaitForStateAsync(id, TaskState.Failed);
            // As a retention that passed, or a user's docker rm, would.
            foreach (var container in await cluster.ContainersOfTaskAsync(id))
                await cluster.Docker.Containers.RemoveContainerAsync(container.ID, new Docker.DotNet.Models.ContainerRemoveParameters { Force = true });
        }

        using var response = await cluster.Api.GetAsync($"/api/tasks/{short_.Id}/logs");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("kept-tail", Assert.Single(response.Headers.GetValues("X-Orchestrator-Logs")));
        var kept = await response.Content.ReadAsStringAsync();
        var lines = kept.Split('\n');
        Assert.StartsWith("[orchestrator] its container is gone; this is all of its output, kept when it exited at ", lines[0]);
        Assert.Equal(["starting", "cannot open /data/db", ""], lines[1..]);

        var cut = await cluster.Api.GetStringAsync($"/api/tasks/{long_.Id}/logs");
        Assert.StartsWith("[orchestrator] its container is gone; this is the last 4 KiB of its output", cut);
        Assert.EndsWith("row-1499\nrow-1500\n", cut);
        Assert.DoesNotContain("row-1\n", cut);
        Assert.Equal("row-1500\n", (await cluster.Api.GetStringAsync($"/api/tasks/{long_.Id}/logs?tail=1")).Split('\n', 2)[1]);

        // The history keeps it with the exit.
        var exit = (await cluster.EventsAsync(short_.Id)).Single(e => e.State == TaskState.Failed);
        Assert.Equal("starting\ncannot open /data/db\n", exit.OutputTail);
        Assert.False(exit.OutputTailCut);
        Assert.True((await cluster.EventsAsync(long_.Id)).Single(e => e.State == TaskState.Failed).OutputTailCut);
    }

    [Fact]
    public async Task Following_logs_streams_new_lines_as_they_are_written()
    {
        var submitted = await cluster.SubmitAsync(new
        {
            name = "ticker",
            image = TestImages.Workload,
            command = new[] { "sh", "-c", "i=0; while true; do i=$((i+1)); echo tick-$i; sleep 0.2; done" },
            stopTimeoutSeconds = 1,
        });
        await cluster.WaitForStateAsync(submitted.Id, TaskState.Running);

        using var leave = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        using var response = await cluster.Api.GetAsync($"/api/tasks/{submitted.Id}/logs?tail=1&follow=true", HttpCompletionOption.ResponseHeadersRead, leave.Token);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync(leave.Token), Encoding.UTF8);
        var lines = new List<string>();
        while (lines.Count < 12 && await reader.ReadLineAsync(leave.Token) is { } line)
            lines.Add(line);

        // Every line after the first arrived while following, and none is repeated or skipped.
        var numbers = lines.Select(l => int.Parse(l["tick-".Length..])).ToList();
        Assert.Equal(Enumerable.Range(numbers[0], 12), numbers);
        await cluster.StopAndWaitAsync(submitted.Id);
    }

    [Fact]
    public async Task A_tasks_history_comes_in_pages_that_follow_one_another_by_their_Link()
    {
        var submitted = await cluster.SubmitAsync(new
        {
            name = "paged-history",
            image = TestImages.Workload,
            command = new[] { "sh", "-c", "exit 3" },
            restartPolicy = new { mode = "Never" },
        });
        await cluster.WaitForStateAsync(submitted.Id, TaskState.Failed);
        var whole = await cluster.EventsAsync(submitted.Id);
        Assert.True(whole.Count >= 4, $"Only {whole.Count} events: {string.Join(", ", whole.Select(e => e.State))}");

        var pages = new List<List<TaskEventDetails>>();
        var next = $"/api/tasks/{submitted.Id}/events?limit=2";
        while (next is not null && pages.Count <= whole.Count)
        {
            using var response = await cluster.Api.GetAsync(next);
            response.EnsureSuccessStatusCode();
            pages.Add((await response.Content.ReadFromJsonAsync<List<TaskEventDetails>>(ApiClient.Json))!);
            next = response.Headers.TryGetValues("Link", out var links) ? links.Single().Split('<', '>')[1] : null;
        }

        Assert.All(pages.SkipLast(1), page => Assert.Equal(2, page.Count));
        Assert.Equal(whole, pages.SelectMany(page => page));
        // Each event has its own sequence, rising: the cursor the Link carries.
        Assert.All(whole.Zip(whole.Skip(1)), pair => Assert.True(pair.First.Sequence < pair.Second.Sequence, $"{pair.First.Sequence} then {pair.Second.Sequence}"));
    }

    [Theory]
    [InlineData("limit=0", "limit")]
    [InlineData("limit=5001", "limit")]
    [InlineData("after=-1", "after")]
    public async Task A_history_query_out_of_range_gets_400_naming_it(string query, string field)
    {
        using var response = await cluster.Api.GetAsync($"/api/tasks/{Guid.NewGuid()}/events?{query}");
        using var problem = System.Text.Json.JsonDocument.Parse(await response.Content.ReadAsStringAsync());

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.True(problem.RootElement.GetProperty("errors").TryGetProperty(field, out _), problem.RootElement.ToString());
    }

    [Fact]
    public async Task Logs_of_an_unknown_or_unplaced_task_get_404()
    {
        var unknown = await cluster.Api.GetAsync($"/api/tasks/{Guid.NewGuid()}/logs");
        var events = await cluster.Api.GetAsync($"/api/tasks/{Guid.NewGuid()}/events");
        var badTail = await cluster.Api.GetAsync($"/api/tasks/{Guid.NewGuid()}/logs?tail=-1");

        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, events.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, badTail.StatusCode);
    }

    [Fact]
    public async Task A_fixed_host_port_is_honoured_and_a_second_claim_waits_Pending_until_it_is_free()
    {
        const int hostPort = 18089;
        object Spec(string name) => new
        {
            name,
            image = TestImages.Workload,
            command = new[] { "sh", "-c", "mkdir -p /www && echo ok > /www/index.html && exec httpd -f -p 80 -h /www" },
            ports = new[] { new { containerPort = 80, hostPort } },
            stopTimeoutSeconds = 1,
        };
        var first = await cluster.SubmitAsync(Spec("port-owner"));
        var running = await cluster.WaitForStateAsync(first.Id, TaskState.Running);
        Assert.Equal(hostPort, Assert.Single(running.Ports).HostPort);

        var second = await cluster.SubmitAsync(Spec("port-claimant"));
        var waiting = await cluster.WaitForTaskAsync(second.Id, task => task.Message?.Contains("host port") == true, "explained");
        Assert.Equal(TaskState.Pending, waiting.State);
        Assert.Contains($"1 host port {hostPort}/tcp taken", waiting.Message);

        await cluster.StopAndWaitAsync(first.Id);
        var placed = await cluster.WaitForStateAsync(second.Id, TaskState.Running);
        Assert.Equal(hostPort, Assert.Single(placed.Ports).HostPort);
        await cluster.StopAndWaitAsync(second.Id);
    }

    [Fact]
    public async Task Stop_sends_SIGTERM_first_so_a_task_that_handles_it_exits_cleanly()
    {
        var submitted = await cluster.SubmitAsync(new
        {
            name = "graceful",
            image = TestImages.Workload,
            command = new[] { "sh", "-c", "trap 'exit 0' TERM; echo trap-set; while true; do sleep 0.2; done" },
            stopTimeoutSeconds = 30,
        });
        await cluster.WaitForStateAsync(submitted.Id, TaskState.Running);
        // Running means the engine started the container, not that the shell has set its trap yet.
        await cluster.WaitForLogAsync(submitted.Id, "trap-set");

        var stopped = await cluster.StopAndWaitAsync(submitted.Id);

        Assert.Equal(TaskState.Completed, stopped.State);
        var history = string.Join("; ", (await cluster.EventsAsync(submitted.Id)).Select(e => $"{e.State} {e.ExitCode} {e.Reason}"));
        Assert.True(stopped.ExitCode == 0, $"exit code {stopped.ExitCode?.ToString() ?? "null"}, history: {history}, message: {stopped.Message}");
    }

    /// <summary>
    /// A stop reports the exit with the code the engine recorded. Between the container's end and that report the
    /// engine can list the container exited, as "Removal In Progress" with no code while the stop removes it; a
    /// heartbeat that reported that would have StateStore end the task without its code. Staged here: a stop under
    /// way (the agent's own mark) and the container killed under it.
    /// </summary>
    [Fact]
    public async Task While_a_stop_is_under_way_the_heartbeat_leaves_the_exit_to_the_stop()
    {
        var submitted = await cluster.SubmitAsync(new { name = "stopping", image = TestImages.Workload, command = new[] { "sleep", "300" } });
        var running = await cluster.WaitForStateAsync(submitted.Id, TaskState.Running);
        var supervisor = cluster.AgentServices(cluster.Node.Name).GetRequiredService<TaskSupervisor>();
        Assert.True(supervisor.TryMarkStopping(submitted.Id, running.Attempt));

        await cluster.Docker.Containers.KillContainerAsync(running.ContainerId!, new ContainerKillParameters());
        await WaitForHeartbeatsAsync(3);
        var meanwhile = await cluster.GetTaskAsync(submitted.Id);
        supervisor.FinishStopping(submitted.Id, running.Attempt);
        var ended = await cluster.WaitForTaskAsync(submitted.Id, task => task.State is TaskState.Failed or TaskState.Completed, "ended");

        Assert.Equal(TaskState.Running, meanwhile.State);
        Assert.Equal(137, ended.ExitCode);
    }

    /// <summary>Waits until StateStore has recorded this many more heartbeats of the test's node.</summary>
    private async Task WaitForHeartbeatsAsync(int count)
    {
        var seen = (await cluster.WaitForNodeAsync(node => node.Id == cluster.Node.Id)).LastHeartbeatAt;
        for (var i = 0; i < count; i++)
        {
            var previous = seen;
            seen = (await cluster.WaitForNodeAsync(node => node.Id == cluster.Node.Id && node.LastHeartbeatAt > previous)).LastHeartbeatAt;
        }
    }

    [Fact]
    public async Task Stop_kills_a_task_that_ignores_SIGTERM_after_its_grace_period()
    {
        var submitted = await cluster.SubmitAsync(new
        {
            name = "stubborn",
            image = TestImages.Workload,
            command = new[] { "sh", "-c", "trap '' TERM; echo trap-set; while true; do sleep 0.2; done" },
            stopTimeoutSeconds = 1,
        });
        await cluster.WaitForStateAsync(submitted.Id, TaskState.Running);
        await cluster.WaitForLogAsync(submitted.Id, "trap-set");

        var stopped = await cluster.StopAndWaitAsync(submitted.Id);

        Assert.Equal(TaskState.Completed, stopped.State);
        Assert.Equal(137, stopped.ExitCode);
        Assert.Equal("stopped by user", stopped.Message);
    }

    [Fact]
    public async Task Entrypoint_working_dir_and_labels_pass_through_to_the_container()
    {
        var submitted = await cluster.SubmitAsync(new
        {
            name = "settings",
            image = TestImages.Workload,
            entrypoint = new[] { "sh", "-c" },
            command = new[] { "pwd; sleep 300" },
            workingDir = "/etc",
            labels = new Dictionary<string, string> { ["team"] = "platform" },
            stopTimeoutSeconds = 1,
        });
        var running = await cluster.WaitForStateAsync(submitted.Id, TaskState.Running);

        var container = await cluster.Docker.Containers.InspectContainerAsync(running.ContainerId!);

        Assert.Equal(["sh", "-c"], container.Config.Entrypoint);
        Assert.Equal(["pwd; sleep 300"], container.Config.Cmd);
        Assert.Equal("/etc", container.Config.WorkingDir);
        Assert.Equal("platform", container.Config.Labels["team"]);
        Assert.Equal(1024, container.HostConfig.PidsLimit);
        // The engine logs a line a moment after the process writes it.
        string logs;
        using (var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(60)))
            while ((logs = await cluster.Api.GetStringAsync($"/api/tasks/{submitted.Id}/logs")).Length == 0)
                await Task.Delay(100, deadline.Token);
        Assert.Equal("/etc\n", logs);
        await cluster.StopAndWaitAsync(submitted.Id);
    }
}
