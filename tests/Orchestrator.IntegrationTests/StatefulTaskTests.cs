using Orchestrator.Domain.Tasks;
using Orchestrator.IntegrationTests.Infrastructure;
using Orchestrator.WorkerAgent.Runtime;

namespace Orchestrator.IntegrationTests;

/// <summary>
/// What a task that keeps data or needs more of its container sees on a real engine: named volumes that outlive it,
/// read-only mounts, its own published port, the container options it asks for, and logs that rotate on the node.
/// </summary>
[Collection(ClusterCollection.Name)]
public sealed class StatefulTaskTests(ClusterFixture cluster)
{
    [Fact]
    public async Task The_next_task_on_the_node_reads_what_the_last_wrote_to_a_named_volume_and_a_read_only_mount_refuses_writes()
    {
        var volume = $"notes-{Guid.NewGuid():N}"[..20];
        var submitted = new List<Guid>();
        try
        {
            var writer = await cluster.SubmitAsync(new
            {
                name = "volume-writer",
                image = TestImages.Workload,
                command = new[] { "sh", "-c", "echo \"kept by $ORCHESTRATOR_TASK_ID\" > /data/note" },
                mounts = new[] { new { type = "volume", source = volume, target = "/data" } },
                restartPolicy = new { mode = "Never" },
            });
            submitted.Add(writer.Id);
            var written = await cluster.WaitForStateAsync(writer.Id, TaskState.Completed);

            // The volume outlives its task, labelled with what made it.
            var kept = await cluster.Docker.Volumes.InspectAsync(volume);
            Assert.Equal(volume, kept.Labels[VolumeLabels.Source]);
            Assert.Equal(writer.Id.ToString(), kept.Labels[VolumeLabels.CreatedBy]);

            var reader = await cluster.SubmitAsync(new
            {
                name = "volume-reader",
                image = TestImages.Workload,
                command = new[]
                {
                    "sh", "-c",
                    "cat /data/note; if touch /data/more 2>/dev/null; then echo 'volume writable'; else echo 'volume read-only'; fi; exec sleep 300",
                },
                mounts = new[] { new { type = "volume", source = volume, target = "/data", readOnly = true } },
                nodeId = written.NodeId,
                init = true,
                stopTimeoutSeconds = 1,
            });
            submitted.Add(reader.Id);

            await cluster.WaitForStateAsync(reader.Id, TaskState.Running);
            await cluster.WaitForLogAsync(reader.Id, $"kept by {writer.Id}");
            await cluster.WaitForLogAsync(reader.Id, "volume read-only");
            Assert.DoesNotContain("volume writable", await cluster.Api.GetStringAsync($"/api/tasks/{reader.Id}/logs"));
        }
        finally
        {
            // The volume outlives its tasks, by design; the test removes what it made once nothing starts on it.
            await cluster.StopAllAsync(submitted);
            await cluster.RemoveVolumeAsync(volume);
        }
    }

    [Fact]
    public async Task A_task_reads_its_own_published_port_from_its_environment_and_serves_on_it()
    {
        var submitted = await cluster.SubmitAsync(new
        {
            name = "own-port",
            image = TestImages.Workload,
            command = new[] { "sh", "-c", "mkdir -p /www && echo \"port $ORCHESTRATOR_PORT_8080\" > /www/index.html && exec httpd -f -p 8080 -h /www" },
            ports = new[] { new { containerPort = 8080, hostPort = 0 } },
            stopTimeoutSeconds = 1,
        });

        var running = await cluster.WaitForStateAsync(submitted.Id, TaskState.Running);
        var hostPort = Assert.Single(running.Ports).HostPort;

        // The node picked it from its dynamic range before the container existed, told the task, and published it.
        Assert.InRange(hostPort, 20000, 32000);
        Assert.Equal($"port {hostPort}\n", await TaskHttp.FetchAsync($"http://127.0.0.1:{hostPort}/index.html"));
        await cluster.StopAndWaitAsync(submitted.Id);
    }

    [Fact]
    public async Task The_container_options_a_task_asks_for_reach_the_engine_and_bind_its_processes()
    {
        var submitted = await cluster.SubmitAsync(new
        {
            name = "hardened",
            image = TestImages.Workload,
            command = new[]
            {
                "sh", "-c",
                "echo \"uid $(id -u)\"; echo \"nofile $(ulimit -n)\"; grep NoNewPrivs /proc/self/status; " +
                "if touch /probe 2>/dev/null; then echo 'root writable'; else echo 'root read-only'; fi; " +
                "touch /scratch/file && echo 'scratch writable'; exec sleep 300",
            },
            user = "1000:1000",
            readOnlyRootFilesystem = true,
            mounts = new[] { new { type = "tmpfs", target = "/scratch", sizeMb = 8 } },
            capAdd = new[] { "CAP_SYS_TIME" },
            capDrop = new[] { "net_raw" },
            shmSizeMb = 16,
            ulimits = new[] { new { name = "nofile", soft = 512, hard = 1024 } },
            stopSignal = "SIGINT",
            init = true,
            stopTimeoutSeconds = 1,
        });
        var running = await cluster.WaitForStateAsync(submitted.Id, TaskState.Running);

        var container = await cluster.Docker.Containers.InspectContainerAsync(running.ContainerId!);
        var host = container.HostConfig;
        Assert.Contains("no-new-privileges", host.SecurityOpt);
        Assert.False(host.Privileged);
        Assert.True(host.Init);
        Assert.True(host.ReadonlyRootfs);
        Assert.Equal(["SYS_TIME"], host.CapAdd);
        Assert.Equal(["NET_RAW"], host.CapDrop);
        Assert.Equal(16L * 1024 * 1024, host.ShmSize);
        var nofile = Assert.Single(host.Ulimits);
        Assert.Equal(("nofile", 512L, 1024L), (nofile.Name, nofile.Soft, nofile.Hard));
        Assert.Equal("1000:1000", container.Config.User);
        Assert.Equal("SIGINT", container.Config.StopSignal);
        Assert.Equal(("json-file", "10m", "3"), (host.LogConfig.Type, host.LogConfig.Config["max-size"], host.LogConfig.Config["max-file"]));

        // And the processes live under them.
        await cluster.WaitForLogAsync(submitted.Id, "scratch writable");
        var logs = await cluster.Api.GetStringAsync($"/api/tasks/{submitted.Id}/logs");
        Assert.Contains("uid 1000", logs);
        Assert.Contains("nofile 512", logs);
        Assert.Matches(@"NoNewPrivs:\s+1", logs);
        Assert.Contains("root read-only", logs);
        await cluster.StopAndWaitAsync(submitted.Id);
    }

    [Fact]
    public async Task A_chatty_containers_logs_rotate_on_the_node_at_the_tasks_limit()
    {
        const long MiB = 1024 * 1024;
        // About 6 MiB of log on disk (the engine wraps each 41-byte line in JSON), into two files of 1 MiB.
        var submitted = await cluster.SubmitAsync(new
        {
            name = "chatty",
            image = TestImages.Workload,
            command = new[] { "sh", "-c", "yes 0123456789012345678901234567890123456789 | head -n 60000; echo all-written; exec sleep 300" },
            logs = new { maxSizeMb = 1, maxFiles = 2 },
            init = true,
            stopTimeoutSeconds = 1,
        });
        var running = await cluster.WaitForStateAsync(submitted.Id, TaskState.Running);
        await Poll.UntilAsync(async () =>
            (await cluster.Api.GetStringAsync($"/api/tasks/{submitted.Id}/logs?tail=1")).Contains("all-written"));

        var logPath = (await cluster.Docker.Containers.InspectContainerAsync(running.ContainerId!)).LogPath;
        Assert.True(File.Exists(logPath + ".1"), "the log was rotated once at least");
        Assert.False(File.Exists(logPath + ".2"), "no more files than maxFiles are kept");
        Assert.InRange(new FileInfo(logPath).Length, 1, MiB);
        Assert.InRange(new FileInfo(logPath + ".1").Length, 1, MiB);
        await cluster.StopAndWaitAsync(submitted.Id);
    }
}
