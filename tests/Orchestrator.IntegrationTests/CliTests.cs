using System.Diagnostics;
using System.Net.Http.Json;
using System.Text.Json;
using Orchestrator.Cli;
using Orchestrator.Contracts;
using Orchestrator.Domain.Tasks;
using Orchestrator.IntegrationTests.Infrastructure;
using Orchestrator.Testing;
using Spectre.Console;

namespace Orchestrator.IntegrationTests;

/// <summary>The orchestrator CLI, run in-process against the real cluster, as a user would type it.</summary>
[Collection(ClusterCollection.Name)]
public sealed class CliTests(ClusterFixture cluster)
{
    // Every test says which key it sends; a key the developer exported for their own cluster must not stand in.
    static CliTests() => Environment.SetEnvironmentVariable(Orchestrator.Cli.Commands.ApiSettings.ApiKeyVariable, null);

    private string ApiAddress => cluster.Api.BaseAddress!.ToString();

    [Fact]
    public async Task Run_wait_status_logs_events_and_stop_drive_a_real_task()
    {
        var run = await CliAsync("run", "--api", ApiAddress, "--name", "cli-web", "--image", TestImages.Workload,
            "--cpu", "0.25", "--memory", "32", "-e", "WHO=cli", "--wait", "--", "sh", "-c", "echo hello from $WHO; exec sleep 300");
        Assert.Equal(0, run.ExitCode);
        var id = Guid.Parse(run.Out.Split('\n')[0].Trim());
        Assert.Contains("Running", run.Out);
        var prefix = id.ToString("N")[..10];

        var table = await CliAsync("status", "--api", ApiAddress);
        Assert.Equal(0, table.ExitCode);
        var row = Assert.Single(table.Out.Split('\n'), line => line.Contains(id.ToString("N")[..12]));
        Assert.Contains("cli-web", row);
        Assert.Contains("Running", row);
        Assert.Contains("test-node", row);

        var json = await CliAsync("status", prefix, "--api", ApiAddress, "-o", "json");
        using (var document = JsonDocument.Parse(json.Out))
            Assert.Equal("Running", document.RootElement.GetProperty("state").GetString());

        var named = await CliAsync("status", "--name", "CLI-WE", "--api", ApiAddress, "-o", "json");
        using (var document = JsonDocument.Parse(named.Out))
            Assert.Contains(document.RootElement.EnumerateArray(), task => task.GetProperty("id").GetGuid() == id);

        var running = await CliAsync("status", "--state", "running", "--api", ApiAddress, "-o", "json");
        using (var document = JsonDocument.Parse(running.Out))
        {
            var listed = document.RootElement.EnumerateArray().ToList();
            Assert.Contains(listed, task => task.GetProperty("id").GetGuid() == id);
            Assert.All(listed, task => Assert.Equal("Running", task.GetProperty("state").GetString()));
        }

        await WaitForLogsAsync(prefix, "hello from cli");
        var events = await CliAsync("events", prefix, "--api", ApiAddress);
        Assert.Contains("placed on node test-node", events.Out);

        var stop = await CliAsync("stop", prefix, "--api", ApiAddress);
        Assert.Equal(0, stop.ExitCode);
        Assert.Equal(TaskState.Completed, (await cluster.StopAndWaitAsync(id)).State);

        // Who did it: the audit trail names the CLI's key for both changes.
        var audit = await CliAsync("audit", "--api", ApiAddress, "--key", "tests", "--limit", "500", "-o", "json");
        Assert.Equal(0, audit.ExitCode);
        using (var document = JsonDocument.Parse(audit.Out))
        {
            var kinds = document.RootElement.EnumerateArray()
                .Where(entry => entry.GetProperty("subject").GetString() == $"task/{id}")
                .Select(entry => entry.GetProperty("kind").GetString()).ToList();
            Assert.Contains("SubmitTask", kinds);
            Assert.Contains("CancelTask", kinds);
        }
    }

    [Fact]
    public async Task Job_run_of_a_batch_job_waits_until_it_is_complete_and_ps_lists_its_finished_tasks()
    {
        string[] api = ["--api", ApiAddress, "--api-key", ClusterFixtureBase.ApiKey];
        var run = await CliAsync(["job", "run", "cli-batch", "--type", "batch", "--completions", "2", "--parallelism", "2",
            "--image", TestImages.Workload, "--memory", "16", "--wait", .. api, "--", "sh", "-c", "echo done"]);
        Assert.True(run.ExitCode == 0, run.Err);
        Assert.Contains("job cli-batch: batch, Running, 0 of 2 succeeded, 2 running, 0 retries of 3", run.Out);
        Assert.Contains("complete: 2 of 2 tasks succeeded", run.Out);

        var table = await CliAsync(["job", "status", .. api]);
        var row = Assert.Single(table.Out.Split('\n'), line => line.Contains("cli-batch"));
        Assert.Contains("batch", row);
        Assert.Contains("2 / 2 done", row);

        var tasks = await CliAsync(["status", "--job", "cli-batch", .. api]);
        Assert.Equal(2, tasks.Out.Split('\n').Count(line => line.Contains("cli-batch-") && line.Contains("Completed")));

        var scale = await CliAsync(["job", "scale", "cli-batch", "3", .. api]);
        Assert.Equal(1, scale.ExitCode);
        Assert.Contains("has no count to scale", scale.Err);
        Assert.Equal(0, (await CliAsync(["job", "stop", "cli-batch", .. api])).ExitCode);
    }

    [Fact]
    public async Task A_periodic_job_from_the_cli_shows_its_schedule_and_run_now_starts_a_run_it_lists()
    {
        string[] api = ["--api", ApiAddress, "--api-key", ClusterFixtureBase.ApiKey];
        var run = await CliAsync(["job", "run", "cli-yearly", "--type", "batch", "--schedule", "0 3 1 1 *", "--time-zone", "Europe/Berlin",
            "--overlap", "allow", "--image", TestImages.Workload, "--memory", "16", .. api, "--", "sh", "-c", "echo yearly"]);
        Assert.True(run.ExitCode == 0, run.Err);
        Assert.Contains("job cli-yearly: periodic, schedule '0 3 1 1 *' (Europe/Berlin), overlap allow, next run ", run.Out);

        var now = await CliAsync(["job", "run-now", "cli-yearly", .. api]);
        Assert.True(now.ExitCode == 0, now.Err);
        var runName = System.Text.RegularExpressions.Regex.Match(now.Out, @"job (cli-yearly-\d+): batch").Groups[1].Value;
        Assert.NotEmpty(runName);

        var status = await CliAsync(["job", "status", "cli-yearly", .. api]);
        Assert.Contains(runName, status.Out);
        var table = await CliAsync(["job", "status", .. api]);
        Assert.Contains("periodic", Assert.Single(table.Out.Split('\n'), line => line.Contains("cli-yearly ")));

        var notPeriodic = await CliAsync(["job", "run-now", "cli-yearly-none", .. api]);
        Assert.Equal(1, notPeriodic.ExitCode);
        var badZone = await CliAsync(["job", "run", "cli-bad-zone", "--type", "batch", "--schedule", "@daily", "--time-zone", "Atlantis/Capital",
            "--image", TestImages.Workload, .. api]);
        Assert.Equal(1, badZone.ExitCode);
        Assert.Contains("timeZone", badZone.Err);
        Assert.Equal(0, (await CliAsync(["job", "stop", "cli-yearly", .. api])).ExitCode);
    }

    [Fact]
    public async Task A_job_of_groups_from_a_file_shows_its_groups_and_job_scale_takes_a_group()
    {
        string[] api = ["--api", ApiAddress, "--api-key", ClusterFixtureBase.ApiKey];
        var file = Path.Combine(Path.GetTempPath(), $"cli-groups-{Guid.NewGuid():N}.json");
        var task = $$"""{ "image": "{{TestImages.Workload}}", "command": ["sleep", "300"], "resources": { "memoryMb": 16 }, "stopTimeoutSeconds": 0 }""";
        await File.WriteAllTextAsync(file, $$"""{ "groups": [ { "name": "api", "count": 1, "task": {{task}} }, { "name": "proxy", "count": 1, "task": {{task}} } ] }""");
        try
        {
            var run = await CliAsync(["job", "run", "cli-shop", "-f", file, "--wait", .. api]);
            Assert.True(run.ExitCode == 0, run.Err);
            Assert.Contains("job cli-shop: 2 groups, 0 of 2 running", run.Out);
            Assert.Contains("cli-shop-proxy", run.Out);

            var scale = await CliAsync(["job", "scale", "cli-shop", "api", "2", "--wait", .. api]);
            Assert.True(scale.ExitCode == 0, scale.Err);
            Assert.Matches(@"job cli-shop-api: [01] of 2 running", scale.Out);
            Assert.EndsWith("2 of 2 running", scale.Out.Trim());
            Assert.Contains("job cli-shop: 2 groups, 3 of 3 running", (await CliAsync(["job", "status", "cli-shop", .. api])).Out);

            var bad = await CliAsync(["job", "scale", "cli-shop", "api", "many", .. api]);
            Assert.Equal(1, bad.ExitCode);
            Assert.Contains("COUNT must be a whole number, not 'many'", bad.Err);
        }
        finally
        {
            File.Delete(file);
            await CliAsync(["job", "stop", "cli-shop", .. api]);
        }
    }

    [Fact]
    public async Task Job_revisions_revert_and_restart_from_the_cli()
    {
        string[] api = ["--api", ApiAddress, "--api-key", ClusterFixtureBase.ApiKey];
        string[] run = ["job", "run", "cli-rev", "--image", TestImages.Workload, "--memory", "16", "--wait", .. api];
        Assert.Equal(0, (await CliAsync([.. run, "-e", "V=1", "--", "sleep", "300"])).ExitCode);
        Assert.Equal(0, (await CliAsync([.. run, "-e", "V=2", "--", "sleep", "300"])).ExitCode);

        var revert = await CliAsync(["job", "revert", "cli-rev", "1", "--wait", .. api]);
        Assert.True(revert.ExitCode == 0, revert.Err);
        Assert.Contains("running, revision 3, image", revert.Out);
        Assert.EndsWith("1 of 1 running", revert.Out.Trim());
        var restart = await CliAsync(["job", "restart", "cli-rev", "--wait", .. api]);
        Assert.True(restart.ExitCode == 0, restart.Err);

        var revisions = await CliAsync(["job", "revisions", "cli-rev", .. api]);
        var rows = revisions.Out.Split('\n').Where(line => line.Contains(TestImages.Workload)).ToList();
        Assert.Equal(4, rows.Count);
        Assert.Contains("4 (current)", rows[0]);
        Assert.Contains("restart requested", rows[0]);
        Assert.Contains("revert to revision 1", rows[1]);

        var missing = await CliAsync(["job", "revert", "cli-rev", "42", .. api]);
        Assert.Equal(1, missing.ExitCode);
        Assert.Contains("keeps no revision 42", missing.Err);
        Assert.Equal(0, (await CliAsync(["job", "stop", "cli-rev", .. api])).ExitCode);
    }

    [Fact]
    public async Task Job_run_of_a_batch_job_that_fails_exits_1_with_the_jobs_message()
    {
        string[] api = ["--api", ApiAddress, "--api-key", ClusterFixtureBase.ApiKey];
        var run = await CliAsync(["job", "run", "cli-batch-failing", "--type", "batch", "--max-retries", "0",
            "--image", TestImages.Workload, "--memory", "16", "--wait", .. api, "--", "sh", "-c", "exit 5"]);
        Assert.Equal(1, run.ExitCode);
        Assert.Contains("job cli-batch-failing failed: 1 tasks failed, more than maxRetries 0; the last: cli-batch-failing-1", run.Err);
        Assert.Equal(0, (await CliAsync(["job", "stop", "cli-batch-failing", .. api])).ExitCode);
    }

    [Fact]
    public async Task Job_run_scale_status_and_stop_drive_a_real_job()
    {
        string[] api = ["--api", ApiAddress, "--api-key", ClusterFixtureBase.ApiKey];
        var run = await CliAsync(["job", "run", "cli-job", "--image", TestImages.Workload, "--count", "2", "--memory", "16", .. api, "--", "sleep", "300"]);
        Assert.True(run.ExitCode == 0, run.Err);
        Assert.Contains("job cli-job: 0 of 2 running, revision 1", run.Out);
        Assert.Contains("cli-job-2", run.Out);

        var scale = await CliAsync(["job", "scale", "cli-job", "3", "--wait", .. api]);
        Assert.True(scale.ExitCode == 0, scale.Err);
        Assert.Contains("cli-job-3", scale.Out);
        Assert.EndsWith("3 of 3 running", scale.Out.Trim());
        Assert.Contains("job cli-job: 3 of 3 running", (await CliAsync(["job", "status", "cli-job", .. api])).Out);

        var table = await CliAsync(["job", "status", .. api]);
        var row = Assert.Single(table.Out.Split('\n'), line => line.Contains("cli-job"));
        Assert.Contains("3 / 3", row);

        var json = await CliAsync(["job", "status", "cli-job", "-o", "json", .. api]);
        List<Guid> ids;
        using (var document = JsonDocument.Parse(json.Out))
            ids = document.RootElement.GetProperty("tasks").EnumerateArray().Select(t => t.GetProperty("id").GetGuid()).ToList();
        Assert.Equal(3, ids.Count);

        var badCount = await CliAsync(["job", "scale", "cli-job", "-1", .. api]);
        Assert.NotEqual(0, badCount.ExitCode);
        var missing = await CliAsync(["job", "status", "no-such-job", .. api]);
        Assert.Equal("error: There is no job named no-such-job.", missing.Err.Trim());
        Assert.Equal(1, missing.ExitCode);

        var stop = await CliAsync(["job", "stop", "cli-job", .. api]);
        Assert.Equal(0, stop.ExitCode);
        Assert.Contains("job cli-job deleted; stopping 3 tasks", stop.Out);
        await cluster.WaitForAllAsync(ids.ToHashSet(), tasks => tasks.All(t => t.State == TaskState.Completed));
    }

    [Fact]
    public async Task Run_with_mounts_shows_them_in_the_tasks_details()
    {
        var run = await CliAsync("run", "--api", ApiAddress, "--name", "cli-mounts", "--image", TestImages.Workload,
            "--mount", "type=tmpfs,target=/scratch,size=8", "--mount", "type=tmpfs,target=/cache,size=4,readonly", "--", "sleep", "300");
        Assert.True(run.ExitCode == 0, run.Err);
        var id = Guid.Parse(run.Out.Trim());

        var detail = await CliAsync("status", id.ToString(), "--api", ApiAddress);

        var mounts = Assert.Single(detail.Out.Split('\n'), line => line.TrimStart().StartsWith("Mounts"));
        Assert.Contains("tmpfs 8 MiB -> /scratch, tmpfs 4 MiB -> /cache (read-only)", mounts);
        await cluster.StopAllAsync([id]);
    }

    [Fact]
    public async Task Nodes_lists_the_agent_as_a_table_and_as_json()
    {
        var table = await CliAsync("nodes", "--api", ApiAddress);
        var json = await CliAsync("nodes", "--api", ApiAddress, "--output", "json");

        Assert.Equal(0, table.ExitCode);
        Assert.Contains(table.Out.Split('\n'), line => line.Contains("test-node") && line.Contains("Ready"));
        using var document = JsonDocument.Parse(json.Out);
        Assert.Contains(document.RootElement.EnumerateArray(), node => node.GetProperty("name").GetString() == "test-node");
    }

    [Fact]
    public async Task Status_lists_the_newest_n_or_every_task_page_after_page()
    {
        var submitted = new List<Guid>();
        for (var i = 0; i < 3; i++)
            submitted.Add((await cluster.SubmitAsync(new { name = $"cli-listed-{i}", image = TestImages.Workload, resources = new { cpu = 256 } })).Id);
        var everything = (await cluster.Api.GetFromJsonAsync<List<TaskDetails>>("/api/tasks?limit=5000", ClusterFixture.Json))!;

        var newest = await CliAsync("status", "--limit", "2", "--api", ApiAddress, "-o", "json");
        var all = await CliAsync("status", "--all", "--limit", "2", "--api", ApiAddress, "-o", "json");

        Assert.Equal(everything.Take(2).Select(t => t.Id), Ids(newest.Out));
        Assert.True(everything.Count > 2, "more tasks than one page of two");
        Assert.Equal(everything.Select(t => t.Id), Ids(all.Out));
        await cluster.StopAllAsync(submitted);
    }

    private static List<Guid> Ids(string json)
    {
        using var document = JsonDocument.Parse(json);
        return document.RootElement.EnumerateArray().Select(task => task.GetProperty("id").GetGuid()).ToList();
    }

    [Theory]
    [InlineData(2, "run needs --name and --image", "run", "--name", "x")]
    [InlineData(2, "-p 'eighty'", "run", "--name", "x", "--image", "busybox", "-p", "eighty")]
    [InlineData(2, "--restart 'sometimes'", "run", "--name", "x", "--image", "busybox", "--restart", "sometimes")]
    [InlineData(2, "--output must be table or json", "status", "--output", "yaml")]
    [InlineData(2, "Unknown command", "launch")]
    [InlineData(1, "invalid request: name:", "run", "--name", "bad name", "--image", "busybox")]
    [InlineData(1, "There is no task with id 00000000-0000-0000-0000-000000000001", "status", "00000000-0000-0000-0000-000000000001")]
    [InlineData(1, "no task matches 'ffffffffffff'", "stop", "ffffffffffff")]
    [InlineData(1, "'web-1' is not a task id or a prefix of one (hex digits)", "logs", "web-1")]
    [InlineData(1, "invalid request: state:", "status", "--state", "sleeping")]
    [InlineData(1, "invalid request: name:", "status", "--name", "web app")]
    [InlineData(2, "--state, --job, --name, --limit and --all shape the list; they cannot be given with an ID", "status", "abc", "--state", "running")]
    [InlineData(2, "--state, --job, --name, --limit and --all shape the list; they cannot be given with an ID", "status", "abc", "--all")]
    [InlineData(1, "invalid request: limit:", "status", "--limit", "0")]
    [InlineData(1, "invalid request: limit:", "audit", "--limit", "0")]
    [InlineData(2, "--mount 'type=volume,source=data': target is required", "run", "--name", "x", "--image", "busybox", "--mount", "type=volume,source=data")]
    [InlineData(2, "--ulimit 'nofile': expected NAME=SOFT[:HARD]", "run", "--name", "x", "--image", "busybox", "--ulimit", "nofile")]
    [InlineData(2, "-f cannot be combined with spec flags", "run", "-f", "task.json", "--read-only")]
    [InlineData(1, "invalid request: mounts[0].target:", "run", "--name", "x", "--image", "busybox", "--mount", "type=volume,source=data,target=relative")]
    [InlineData(1, "invalid request: capAdd[0]: capAdd cannot add ALL", "run", "--name", "x", "--image", "busybox", "--cap-add", "ALL")]
    [InlineData(1, "invalid request: task.ulimits[0].hard:", "job", "run", "x", "--image", "busybox", "--ulimit", "nofile=2048:1024", "--api-key", ClusterFixtureBase.ApiKey)]
    public async Task Bad_input_gets_one_readable_line_and_a_non_zero_exit(int exitCode, string message, params string[] args)
    {
        var result = await CliAsync([.. args, "--api", ApiAddress]);

        Assert.Equal(exitCode, result.ExitCode);
        var line = Assert.Single(result.Err.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith("error: ", line);
        Assert.Contains(message, line, StringComparison.OrdinalIgnoreCase);
    }

    [Theory]
    [InlineData("run")]
    [InlineData("stop")]
    [InlineData("status")]
    [InlineData("logs")]
    [InlineData("events")]
    [InlineData("audit")]
    [InlineData("nodes")]
    [InlineData("drain")]
    [InlineData("ready")]
    [InlineData("manager")]
    [InlineData("worker")]
    public async Task Every_command_has_help_with_examples(string command)
    {
        var result = await CliAsync(command, "--help");

        Assert.Equal(0, result.ExitCode);
        Assert.Contains("USAGE:", result.Out);
        Assert.Contains("EXAMPLES:", result.Out);
        Assert.Contains($"orchestrator {command}", result.Out);
    }

    [Fact]
    public async Task An_unreachable_api_is_one_line_and_exit_1()
    {
        var result = await CliAsync("status", "--api", "http://127.0.0.1:9");

        Assert.Equal(1, result.ExitCode);
        Assert.StartsWith("error: cannot reach the Api at http://127.0.0.1:9/", result.Err);
        Assert.DoesNotContain("   at ", result.Err);
    }

    [Fact]
    public async Task A_missing_or_wrong_api_key_is_one_line_and_exit_1()
    {
        var missing = await RawCliAsync("status", "--api", ApiAddress);
        var wrong = await RawCliAsync("status", "--api", ApiAddress, "--api-key", "not-the-key-at-all");

        Assert.Equal(1, missing.ExitCode);
        Assert.Equal("error: the Api needs an API key (set --api-key or ORCHESTRATOR_API_KEY)", missing.Err.Trim());
        Assert.Equal(1, wrong.ExitCode);
        Assert.Equal("error: the Api refused the API key (check --api-key or ORCHESTRATOR_API_KEY)", wrong.Err.Trim());
    }

    [Fact]
    public async Task A_read_only_key_lists_tasks_but_run_is_one_line_and_exit_1()
    {
        var name = $"cli-viewer-{Guid.NewGuid():N}"[..24];

        var status = await RawCliAsync("status", "--api", ApiAddress, "--api-key", ClusterFixtureBase.ReadOnlyApiKey);
        var run = await RawCliAsync("run", "--name", name, "--image", TestImages.Workload, "--api", ApiAddress, "--api-key", ClusterFixtureBase.ReadOnlyApiKey);

        Assert.Equal(0, status.ExitCode);
        Assert.Equal(1, run.ExitCode);
        Assert.Equal("error: the API key may only read; running, stopping, jobs and draining need one of the Api's Api:Keys", run.Err.Trim());
        var tasks = await cluster.Api.GetFromJsonAsync<List<TaskDetails>>("/api/tasks", ClusterFixtureBase.Json);
        Assert.DoesNotContain(tasks!, task => task.Name == name);
    }

    [Fact]
    public async Task Secret_set_takes_the_value_from_a_file_ls_shows_it_without_the_value_and_rm_removes_it()
    {
        var name = $"cli-secret-{Guid.NewGuid():N}"[..24];
        string[] api = ["--api", ApiAddress, "--api-key", ClusterFixtureBase.ApiKey];
        var marker = $"marker-{Guid.NewGuid():N}";
        var file = Path.GetTempFileName();
        await File.WriteAllTextAsync(file, marker);
        try
        {
            var created = await CliAsync(["secret", "set", name, "--from-file", file, .. api]);
            var updated = await CliAsync(["secret", "set", name, "--from-file", file, .. api]);
            var listed = await CliAsync(["secret", "ls", .. api]);
            var removed = await CliAsync(["secret", "rm", name, .. api]);
            var missing = await CliAsync(["secret", "rm", name, .. api]);

            Assert.Equal((0, $"created secret {name}, version 1"), (created.ExitCode, created.Out.Trim()));
            Assert.Equal((0, $"updated secret {name}, version 2"), (updated.ExitCode, updated.Out.Trim()));
            Assert.Matches($@"{name}\s+2\s", listed.Out);
            Assert.DoesNotContain(marker, listed.Out + created.Out + updated.Out);
            Assert.Equal(0, removed.ExitCode);
            Assert.Equal(1, missing.ExitCode);
            Assert.Equal($"error: There is no secret named {name}.", missing.Err.Trim());
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Fact]
    public async Task Secret_set_from_a_file_that_cannot_be_read_is_one_line_and_sets_nothing()
    {
        var name = $"cli-unread-{Guid.NewGuid():N}"[..24];
        string[] api = ["--api", ApiAddress, "--api-key", ClusterFixtureBase.ApiKey];

        var result = await CliAsync(["secret", "set", name, "--from-file", "/nonexistent/value", .. api]);

        Assert.Equal(1, result.ExitCode);
        Assert.StartsWith("error: cannot read /nonexistent/value:", result.Err.Trim());
        Assert.DoesNotContain(name, (await CliAsync(["secret", "ls", .. api])).Out);
    }

    [Fact]
    public async Task A_manager_without_a_key_is_refused_before_it_starts()
    {
        var result = await RawCliAsync("manager", "--postgres", "Host=127.0.0.1;Port=9", "--rabbitmq", "amqp://u:p@127.0.0.1:9");

        Assert.Equal(2, result.ExitCode);
        Assert.Equal("error: manager needs --api-key (or ORCHESTRATOR_API_KEY), or --allow-anonymous", result.Err.Trim());
    }

    [Theory]
    [InlineData("certs")]
    [InlineData("certs=relative/path")]
    [InlineData("=/etc/ssl")]
    public async Task A_worker_with_a_malformed_host_volume_is_refused_before_it_starts(string flag)
    {
        var result = await RawCliAsync("worker", "--rabbitmq", "amqp://u:p@127.0.0.1:9", "--host-volume", flag);

        Assert.Equal(2, result.ExitCode);
        Assert.Equal($"error: --host-volume takes NAME=/absolute/path or NAME=/absolute/path:ro, not '{flag}'", result.Err.Trim());
    }

    [Fact]
    public async Task A_worker_in_a_datacenter_that_is_not_a_name_does_not_start_and_says_which_setting()
    {
        var dataPath = Directory.CreateTempSubdirectory("orchestrator-cli-datacenter-");
        try
        {
            var result = await RawCliAsync("worker", "--rabbitmq", "amqp://u:p@127.0.0.1:9", "--datacenter", "eu west",
                "--data-path", dataPath.FullName, "--task-files-path", TestAgentPaths.TaskFiles);

            Assert.Equal(1, result.ExitCode);
            Assert.StartsWith("error: could not start: Agent:Datacenter must be 1 to 63 letters", result.Err.Trim());
        }
        finally
        {
            dataPath.Delete(recursive: true);
        }
    }

    [Fact]
    public async Task Manager_and_worker_started_as_processes_form_a_cluster_that_runs_a_task()
    {
        var rabbit = await cluster.CreateVirtualHostAsync("cli-cluster");
        var port = ClusterFixtureBase.FreeLoopbackPort();
        var api = $"http://127.0.0.1:{port}";
        var dataPath = Path.Combine(Path.GetTempPath(), $"orchestrator-cli-worker-{Guid.NewGuid():N}");
        using var manager = StartCli("manager", "--postgres", cluster.PostgresConnectionString("cli_cluster"), "--rabbitmq", rabbit, "--host", "127.0.0.1", "--port", port.ToString());
        using var worker = StartCli("worker", "--rabbitmq", rabbit, "--name", "cli-worker", "--data-path", dataPath, "--task-files-path", TestAgentPaths.TaskFiles,
            "--host-volume", $"scratch={Path.GetTempPath()}:ro", "--datacenter", "eu-west");
        try
        {
            await ClusterFixtureBase.WaitUntilAsync(async () => (await CliAsync("nodes", "--api", api)).Out.Contains("cli-worker"));
            var nodes = await CliAsync("nodes", "--api", api, "-o", "json");
            using (var document = JsonDocument.Parse(nodes.Out))
            {
                var node = document.RootElement.EnumerateArray().Single(node => node.GetProperty("name").GetString() == "cli-worker");
                Assert.False(string.IsNullOrWhiteSpace(node.GetProperty("address").GetString()), "the node reports an address");
                Assert.Equal("eu-west", node.GetProperty("datacenter").GetString());
                var offered = Assert.Single(node.GetProperty("hostVolumes").EnumerateArray());
                Assert.Equal(("scratch", true), (offered.GetProperty("name").GetString(), offered.GetProperty("readOnly").GetBoolean()));
            }

            var run = await CliAsync("run", "--api", api, "--name", "via-manager", "--image", TestImages.Workload, "--wait", "--", "sleep", "300");

            Assert.True(run.ExitCode == 0, run.Err);
            var id = run.Out.Split('\n')[0].Trim();
            var detail = await CliAsync("status", id, "--api", api, "-o", "json");
            using (var document = JsonDocument.Parse(detail.Out))
                Assert.Equal("Running", document.RootElement.GetProperty("state").GetString());
            Assert.Equal(0, (await CliAsync("stop", id, "--api", api)).ExitCode);
            await ClusterFixtureBase.WaitUntilAsync(async () => (await CliAsync("status", id, "--api", api, "-o", "json")).Out.Contains("\"Completed\""));
        }
        finally
        {
            foreach (var process in new[] { worker, manager })
            {
                if (!process.HasExited)
                    process.Kill(entireProcessTree: true);
                await process.WaitForExitAsync();
            }
            if (Directory.Exists(dataPath))
                Directory.Delete(dataPath, recursive: true);
        }
    }

    private async Task WaitForLogsAsync(string prefix, string expected) =>
        await ClusterFixtureBase.WaitUntilAsync(async () => (await CliAsync("logs", prefix, "--api", ApiAddress, "--tail", "10")).Out.Contains(expected));

    /// <summary>The CLI as a user who has set ORCHESTRATOR_API_KEY: a command that names the Api also sends its key.</summary>
    private static Task<(int ExitCode, string Out, string Err)> CliAsync(params string[] args) =>
        args.Contains("--api") && !args.Contains("--api-key")
            ? RawCliAsync([args[0], "--api-key", ClusterFixtureBase.ApiKey, .. args[1..]])
            : RawCliAsync(args);

    /// <summary>The CLI with exactly these arguments.</summary>
    private static Task<(int ExitCode, string Out, string Err)> RawCliAsync(params string[] args) => CliRunner.RunAsync(args);

    private static Process StartCli(params string[] args)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add(typeof(CliApp).Assembly.Location);
        foreach (var arg in args)
            start.ArgumentList.Add(arg);
        start.Environment["Logging__LogLevel__Default"] = "Warning";
        // The manager takes its key from here, as the CLI would.
        start.Environment["ORCHESTRATOR_API_KEY"] = ClusterFixtureBase.ApiKey;
        var process = Process.Start(start)!;
        // Drain the pipes so a chatty child never blocks on a full buffer.
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return process;
    }
}
