using Docker.DotNet;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Orchestrator.Domain.Tasks;
using Orchestrator.IntegrationTests.Infrastructure;
using Orchestrator.Testing;
using Orchestrator.WorkerAgent;
using Orchestrator.WorkerAgent.Host;
using Orchestrator.WorkerAgent.Runtime;

namespace Orchestrator.IntegrationTests;

/// <summary>
/// The agent's Docker runtime against the real engine, without a cluster: a start command delivered again (the
/// broker redelivers after a crash, or the outbox publishes twice) never makes a second container.
/// </summary>
public sealed class ContainerRuntimeTests : IAsyncLifetime
{
    private readonly DockerClient _docker = new DockerClientConfiguration(new Uri("unix:///var/run/docker.sock")).CreateClient();
    private readonly NodeIdentity _node = new(Guid.NewGuid(), "runtime-test");
    private readonly AgentOptions _options = new() { PullMissingImages = false, TaskFilesPath = TestAgentPaths.TaskFiles };
    private DockerContainerRuntime Runtime => new(
        _docker, _node, Options.Create(_options), new HostPortPicker(_docker, Options.Create(_options)), KernelOomLog.Shared,
        new TaskFileMounts(_node, Options.Create(_options), NullLogger<TaskFileMounts>.Instance), NullLogger<DockerContainerRuntime>.Instance);

    public ContainerRuntimeTests() => KernelOomLog.Shared.EnsureStarted(NullLogger.Instance);

    private static ContainerLaunch Launch(IReadOnlyList<PortMapping>? ports = null, IReadOnlyList<string>? command = null, long? memoryMb = null) =>
        new(Guid.NewGuid(), Attempt: 1, new TaskSpec
        {
            Name = "runtime-test",
            Image = TestImages.Workload,
            Command = command ?? ["sleep", "300"],
            Ports = ports,
            Resources = memoryMb is null ? null : new ResourceRequest { MemoryMb = memoryMb },
        });

    [Fact]
    public async Task The_same_start_twice_runs_one_container()
    {
        var launch = Launch();

        var first = await Runtime.StartAsync(launch, _ => Task.CompletedTask, CancellationToken.None);
        var second = await Runtime.StartAsync(launch, _ => Task.CompletedTask, CancellationToken.None);

        Assert.Equal(first.ContainerId, second.ContainerId);
        var owned = await Runtime.ListAsync(CancellationToken.None);
        var running = Assert.Single(owned, container => container.TaskId == launch.TaskId);
        Assert.True(running.Running);
        Assert.Null(second.Exit);
    }

    [Fact]
    public async Task A_container_created_but_never_started_is_started_by_the_repeated_command()
    {
        var launch = Launch();
        // As if the agent died between the engine's create and start.
        var created = await _docker.Containers.CreateContainerAsync(ContainerSpec.From(launch, _node, _options));

        var status = await Runtime.StartAsync(launch, _ => Task.CompletedTask, CancellationToken.None);

        Assert.Equal(created.ID, status.ContainerId);
        var inspected = await _docker.Containers.InspectContainerAsync(created.ID);
        Assert.True(inspected.State.Running);
    }

    [Fact]
    public async Task A_published_port_is_reported_with_the_host_port_the_engine_chose()
    {
        var launch = Launch(ports: [new PortMapping { ContainerPort = 8080 }]);

        var status = await Runtime.StartAsync(launch, _ => Task.CompletedTask, CancellationToken.None);

        var port = Assert.Single(status.Ports);
        Assert.Equal(8080, port.ContainerPort);
        Assert.InRange(port.HostPort, 1, 65535);
    }

    [Fact]
    public async Task An_exit_watched_only_after_it_happened_says_how_long_the_run_lasted_by_the_engines_clock()
    {
        // As an agent restarted mid-run sees it: the restart policy's count resets after a long run, measured from
        // the container's start, not from when this agent began to watch it.
        var status = await Runtime.StartAsync(Launch(command: ["sh", "-c", "sleep 2; exit 3"]), _ => Task.CompletedTask, CancellationToken.None);
        await _docker.Containers.WaitContainerAsync(status.ContainerId);

        var exit = await Runtime.WaitAsync(status.ContainerId, CancellationToken.None);

        Assert.Equal(3, exit.ExitCode);
        // The engine stamps the start and the end around the process, not at it: CI once saw 1.9992 s for "sleep 2".
        // Measured from the watch, the run would be about zero or negative.
        Assert.True(exit.RanFor >= TimeSpan.FromSeconds(1.5), $"ran for {exit.RanFor}, though the container slept 2 s");
    }

    [Fact]
    public async Task Every_container_killed_for_memory_as_it_starts_is_reported_OOM_killed()
    {
        // The engine misses the OOM kill of some containers that run out of memory in their first moments (one in
        // ten to thirty when the machine is busy): several at a time, so that the engine is busy too. No more than
        // the kernel names within its rate limit for OOM reports (ten in five seconds).
        var exits = new List<ContainerExit>();
        for (var round = 0; round < 2; round++)
        {
            exits.AddRange(await Task.WhenAll(Enumerable.Range(0, 4).Select(async _ =>
            {
                var status = await Runtime.StartAsync(
                    Launch(command: ["dd", "if=/dev/zero", "of=/dev/null", "bs=64M", "count=1"], memoryMb: 8),
                    _ => Task.CompletedTask, CancellationToken.None);
                return await Runtime.WaitAsync(status.ContainerId, CancellationToken.None);
            })));
        }

        Assert.All(exits, exit => Assert.Equal(137, exit.ExitCode));
        var unflagged = exits.Where(exit => !exit.OomKilled).Select(exit => exit.ContainerId[..12]).ToList();
        Assert.True(unflagged.Count == 0, $"{unflagged.Count} of {exits.Count} not reported OOM-killed: {string.Join(", ", unflagged)}");
    }

    [Fact]
    public async Task A_container_killed_by_a_signal_is_not_reported_OOM_killed()
    {
        var status = await Runtime.StartAsync(Launch(memoryMb: 8), _ => Task.CompletedTask, CancellationToken.None);
        await _docker.Containers.KillContainerAsync(status.ContainerId, new Docker.DotNet.Models.ContainerKillParameters { Signal = "KILL" });

        var exit = await Runtime.WaitAsync(status.ContainerId, CancellationToken.None);

        Assert.Equal(137, exit.ExitCode);
        Assert.False(exit.OomKilled);
    }

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        foreach (var container in await Runtime.ListAsync(CancellationToken.None))
            await Runtime.RemoveAsync(container.ContainerId, CancellationToken.None);
        _docker.Dispose();
    }
}
