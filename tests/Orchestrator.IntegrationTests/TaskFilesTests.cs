using System.Text;
using System.Text.Json;
using Docker.DotNet;
using Docker.DotNet.Models;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Orchestrator.Domain.Tasks;
using Orchestrator.IntegrationTests.Infrastructure;
using Orchestrator.Testing;
using Orchestrator.WorkerAgent;
using Orchestrator.WorkerAgent.Host;
using Orchestrator.WorkerAgent.Runtime;
using ContainerStatus = Orchestrator.WorkerAgent.Runtime.ContainerStatus;
using TaskSpec = Orchestrator.Domain.Tasks.TaskSpec;
using TaskState = Orchestrator.Domain.Tasks.TaskState;

namespace Orchestrator.IntegrationTests;

/// <summary>
/// A task's files and secrets, and its image pull policy, with the agent's Docker runtime against the real engine,
/// without a cluster. The secrets come from a fixed set here; the control plane's store is tested with the cluster.
/// </summary>
public sealed class TaskFilesTests : IAsyncLifetime
{
    private readonly DockerClient _docker = new DockerClientConfiguration(new Uri("unix:///var/run/docker.sock")).CreateClient();
    private readonly NodeIdentity _node = new(Guid.NewGuid(), "files-test");
    private readonly AgentOptions _options = new() { PullMissingImages = false, TaskFilesPath = TestAgentPaths.TaskFiles };
    private readonly string _fileMarker = $"file-secret-{Guid.NewGuid():N}";
    private readonly string _envMarker = $"env-secret-{Guid.NewGuid():N}";
    private readonly List<string> _steps = [];

    public TaskFilesTests() => KernelOomLog.Shared.EnsureStarted(NullLogger.Instance);

    private TaskFileMounts Files => new(_node, Options.Create(_options), NullLogger<TaskFileMounts>.Instance);

    private DockerContainerRuntime Runtime => new(
        _docker, _node, Options.Create(_options), new HostPortPicker(_docker, Options.Create(_options)), KernelOomLog.Shared,
        Files, NullLogger<DockerContainerRuntime>.Instance,
        new FixedSecrets(new Dictionary<string, byte[]>
        {
            ["db-password"] = Encoding.UTF8.GetBytes(_fileMarker),
            ["api-token"] = Encoding.UTF8.GetBytes(_envMarker),
        }));

    /// <summary>The values a real node fetches from the control plane, fixed.</summary>
    private sealed class FixedSecrets(IReadOnlyDictionary<string, byte[]> values) : ITaskSecrets
    {
        public Task<IReadOnlyDictionary<string, byte[]>> FetchAsync(ContainerLaunch launch, CancellationToken cancellationToken) =>
            Task.FromResult(values);
    }

    private Task<ContainerStatus> StartAsync(ContainerLaunch launch) =>
        Runtime.StartAsync(launch, step =>
        {
            lock (_steps)
                _steps.Add(step);
            return Task.CompletedTask;
        }, CancellationToken.None);

    private static ContainerLaunch Launch(string script, string? user = "1000") => new(Guid.NewGuid(), 1, new TaskSpec
    {
        Name = "files-test",
        Image = TestImages.Workload,
        User = user,
        Command = ["sh", "-c", script],
        Files = [new TaskFile { Target = "/etc/app/app.yaml", Content = "port: 8080\n", Mode = "0640" }],
        Secrets = [new SecretFile { Name = "db-password" }],
        SecretEnv = new Dictionary<string, string> { ["API_TOKEN"] = "api-token" },
    });

    private async Task<string> OutputAfterExitAsync(ContainerLaunch launch, ContainerStatus status)
    {
        var exit = await Runtime.WaitAsync(status.ContainerId, CancellationToken.None);
        var logs = await Runtime.LogsAsync(launch.TaskId, tail: null, since: null, Orchestrator.Contracts.TaskLogs.MaxChunkBytes, CancellationToken.None);
        Assert.True(exit.ExitCode == 0, $"exited {exit.ExitCode}: {logs.Text}");
        return logs.Text;
    }

    private string DirectoryOf(ContainerLaunch launch) => TaskFileMounts.DirectoryOf(_options, _node.Id, launch.TaskId, launch.Attempt);

    [Fact]
    public async Task A_non_root_user_reads_its_file_and_its_0400_secret_at_their_targets_and_its_secret_variable()
    {
        var launch = Launch("""
            stat -c '%a %u' /etc/app/app.yaml /run/secrets/db-password
            cat /etc/app/app.yaml
            cat /run/secrets/db-password; echo
            echo "token=$API_TOKEN"
            id -u
            """);

        var status = await StartAsync(launch);
        var output = await OutputAfterExitAsync(launch, status);

        Assert.Equal(
            ["640 1000", "400 1000", "port: 8080", _fileMarker, $"token={_envMarker}", "1000"],
            output.Split('\n', StringSplitOptions.RemoveEmptyEntries));
    }

    [Fact]
    public async Task A_file_is_read_only_in_the_container()
    {
        var launch = Launch("echo changed > /etc/app/app.yaml && echo written || echo refused; cat /etc/app/app.yaml", user: null);

        var output = await OutputAfterExitAsync(launch, await StartAsync(launch));

        Assert.Equal(["refused", "port: 8080"], output.Split('\n', StringSplitOptions.RemoveEmptyEntries).Where(line => !line.StartsWith("sh:")));
    }

    [Fact]
    public async Task A_secret_used_as_a_file_is_nowhere_in_the_containers_configuration()
    {
        var launch = Launch("sleep 300");

        var status = await StartAsync(launch);

        var inspected = await _docker.Containers.InspectContainerAsync(status.ContainerId);
        var configuration = JsonSerializer.Serialize(inspected);
        Assert.DoesNotContain(_fileMarker, configuration);
        Assert.Contains(_fileMarker, await File.ReadAllTextAsync(Path.Combine(DirectoryOf(launch), "secret-0")));
        // A variable is kept in the configuration by the engine: the docs say so, and recommend files.
        Assert.Contains($"API_TOKEN={_envMarker}", inspected.Config.Env);
        Assert.All(inspected.Mounts.Where(m => m.Destination is "/etc/app/app.yaml" or "/run/secrets/db-password"), mount => Assert.False(mount.RW));
    }

    [Fact]
    public async Task The_files_are_in_memory_while_the_container_exists_and_gone_with_it()
    {
        var launch = Launch("sleep 300");
        await StartAsync(launch);

        Assert.True(Directory.Exists(DirectoryOf(launch)));
        Assert.True(TaskFileMounts.IsInMemory(DirectoryOf(launch), out var fileSystem), $"on {fileSystem}");

        await Runtime.StopAsync(launch.TaskId, launch.Attempt, TimeSpan.FromSeconds(1), CancellationToken.None);

        Assert.False(Directory.Exists(DirectoryOf(launch)));
    }

    [Fact]
    public async Task A_removed_exited_container_takes_its_files_and_an_agent_start_sweeps_those_left_behind()
    {
        var removed = Launch("true");
        var left = Launch("true");
        var removedStatus = await StartAsync(removed);
        var leftStatus = await StartAsync(left);
        await Runtime.WaitAsync(removedStatus.ContainerId, CancellationToken.None);
        await Runtime.WaitAsync(leftStatus.ContainerId, CancellationToken.None);

        await Runtime.RemoveAsync(removedStatus.ContainerId, CancellationToken.None);
        // As if the container went while no agent ran.
        await _docker.Containers.RemoveContainerAsync(leftStatus.ContainerId, new ContainerRemoveParameters { Force = true });
        Files.RemoveAllBut((await Runtime.ListAsync(CancellationToken.None)).Select(c => (c.TaskId, c.Attempt)));

        Assert.False(Directory.Exists(DirectoryOf(removed)));
        Assert.False(Directory.Exists(DirectoryOf(left)));
    }

    [Fact]
    public async Task A_restart_in_place_writes_the_files_again_when_a_reboot_emptied_tmpfs()
    {
        var launch = Launch("cat /run/secrets/db-password; echo");
        var status = await StartAsync(launch);
        await Runtime.WaitAsync(status.ContainerId, CancellationToken.None);
        Directory.Delete(DirectoryOf(launch), recursive: true);

        await Runtime.RestartAsync(status.ContainerId, CancellationToken.None);
        var output = await OutputAfterExitAsync(launch, status);

        Assert.Equal([_fileMarker, _fileMarker], output.Split('\n', StringSplitOptions.RemoveEmptyEntries));
    }

    [Fact]
    public async Task A_task_with_secrets_fails_to_start_on_a_node_without_a_source_of_secrets()
    {
        var runtime = new DockerContainerRuntime(
            _docker, _node, Options.Create(_options), new HostPortPicker(_docker, Options.Create(_options)), KernelOomLog.Shared,
            Files, NullLogger<DockerContainerRuntime>.Instance);
        var launch = Launch("true");

        var error = await Assert.ThrowsAsync<ContainerStartException>(() => runtime.StartAsync(launch, _ => Task.CompletedTask, CancellationToken.None));

        Assert.Equal("the task uses secrets (db-password, api-token), and secrets are not available on this node", error.Message);
        Assert.False(Directory.Exists(DirectoryOf(launch)));
    }

    [Fact]
    public async Task A_missing_image_under_pull_policy_Never_fails_at_once_without_a_pull()
    {
        _options.PullMissingImages = true;
        var launch = new ContainerLaunch(Guid.NewGuid(), 1, new TaskSpec
        {
            Name = "files-test", Image = "orchestrator/not-built-anywhere:1", ImagePullPolicy = ImagePullPolicy.Never,
        });

        var error = await Assert.ThrowsAsync<ContainerStartException>(() => StartAsync(launch));

        Assert.Equal($"image orchestrator/not-built-anywhere:1 is not on node {_node.Name}, and imagePullPolicy is Never", error.Message);
        Assert.Empty(_steps);
    }

    /// <summary>
    /// The node's image under a name whose registry is a closed port on loopback: a pull of it fails at once, and no
    /// test sends traffic off this machine.
    /// </summary>
    private async Task<string> UnreachableRegistryTagAsync()
    {
        await _docker.Images.TagImageAsync(TestImages.Workload, new ImageTagParameters { RepositoryName = UnreachableImage, Tag = "latest" });
        return $"{UnreachableImage}:latest";
    }

    private const string UnreachableImage = "127.0.0.1:9/orchestrator/files-test-busybox";

    [Fact]
    public async Task A_latest_image_whose_pull_fails_runs_the_nodes_copy_and_says_so()
    {
        _options.PullMissingImages = true;
        var image = await UnreachableRegistryTagAsync();
        var launch = new ContainerLaunch(Guid.NewGuid(), 1, new TaskSpec { Name = "files-test", Image = image, Command = ["true"] });

        var status = await StartAsync(launch);

        Assert.NotNull(status.ContainerId);
        Assert.Equal($"pulling image {image}", _steps[0]);
        Assert.StartsWith($"pulling image {image} failed (", _steps[1]);
        Assert.EndsWith("running the copy on this node, as imagePullPolicy is Always only by default", _steps[1]);
    }

    [Fact]
    public async Task An_explicit_pull_policy_Always_fails_the_task_when_the_pull_fails_though_the_node_has_the_image()
    {
        _options.PullMissingImages = true;
        var image = await UnreachableRegistryTagAsync();
        var launch = new ContainerLaunch(Guid.NewGuid(), 1, new TaskSpec
        {
            Name = "files-test", Image = image, ImagePullPolicy = ImagePullPolicy.Always, Command = ["true"],
        });

        var error = await Assert.ThrowsAsync<ContainerStartException>(() => StartAsync(launch));

        Assert.StartsWith($"image {image} could not be pulled: ", error.Message);
        Assert.Empty(await Runtime.ListAsync(CancellationToken.None));
    }

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        foreach (var container in await Runtime.ListAsync(CancellationToken.None))
            await Runtime.RemoveAsync(container.ContainerId, CancellationToken.None);
        try
        {
            await _docker.Images.DeleteImageAsync($"{UnreachableImage}:latest", new ImageDeleteParameters());
        }
        catch (DockerImageNotFoundException)
        {
        }
        _docker.Dispose();
    }
}

/// <summary>A task's configuration files through the whole cluster: submitted to the Api, written by the agent of its node.</summary>
[Collection(ClusterCollection.Name)]
public sealed class TaskFilesClusterTests(ClusterFixture cluster)
{
    [Fact]
    public async Task A_submitted_tasks_files_are_at_their_targets_with_their_modes_and_gone_once_it_is_stopped()
    {
        var submitted = await cluster.SubmitAsync(new
        {
            name = "with-files",
            image = TestImages.Workload,
            user = "1000:1000",
            command = new[] { "sh", "-c", "stat -c 'mode %a owner %u:%g' /etc/app/app.yaml; cat /etc/app/app.yaml; exec sleep 300" },
            files = new[] { new { target = "/etc/app/app.yaml", content = "greeting: hello from files\n", mode = "0440" } },
            stopTimeoutSeconds = 1,
        });

        var running = await cluster.WaitForStateAsync(submitted.Id, TaskState.Running);
        await cluster.WaitForLogAsync(submitted.Id, "mode 440 owner 1000:1000");
        await cluster.WaitForLogAsync(submitted.Id, "greeting: hello from files");
        var nodeFiles = Path.Combine(TestAgentPaths.TaskFiles, running.NodeId!.Value.ToString("N"));
        Assert.True(Directory.Exists(Path.Combine(nodeFiles, $"{submitted.Id:N}-{running.Attempt}")));

        await cluster.StopAndWaitAsync(submitted.Id);

        Assert.False(Directory.Exists(Path.Combine(nodeFiles, $"{submitted.Id:N}-{running.Attempt}")));
    }
}
