using System.Diagnostics;
using Orchestrator.Tests.Shared;

namespace Orchestrator.WorkerAgent.Tests;

/// <summary>
/// <c>deploy/systemd/install-agent.sh</c> installs an agent with the node's own broker user unless told otherwise:
/// a shared user can read every node's commands. Run under <c>--root</c>, with a stand-in build, so nothing on this
/// machine changes.
/// </summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed class InstallAgentScriptTests : IDisposable
{
    private const string NodeId = "3f2a9c1e-0000-4000-8000-000000000001";
    private const string OwnUser = "agent-3f2a9c1e000040008000000000000001";

    private readonly string _root = Directory.CreateTempSubdirectory("install-agent-root-").FullName;
    private readonly string _build = Directory.CreateTempSubdirectory("install-agent-build-").FullName;

    public InstallAgentScriptTests()
    {
        // The script checks that the build holds an executable agent; an empty one stands in.
        var agent = Path.Combine(_build, "Orchestrator.WorkerAgent");
        File.WriteAllText(agent, "#!/bin/sh\n");
        File.SetUnixFileMode(agent, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
    }

    private string EnvFile => Path.Combine(_root, "etc/orchestrator/agent.env");

    [Fact]
    public async Task The_nodes_own_user_installs_and_the_settings_name_it()
    {
        var (exit, _, errors) = await InstallAsync("--node-id", NodeId, "--rabbitmq", $"amqp://{OwnUser}:secret@broker:5672", "--name", "worker-7");

        Assert.True(exit == 0, errors);
        var settings = File.ReadAllLines(EnvFile);
        Assert.Contains($"ConnectionStrings__messaging=amqp://{OwnUser}:secret@broker:5672", settings);
        Assert.Contains($"Agent__NodeId={NodeId}", settings);
    }

    [Theory]
    [InlineData("--node-id is required", "--rabbitmq", "amqp://orchestrator:secret@broker:5672")]
    [InlineData("is not node 3f2a9c1e-0000-4000-8000-000000000001's own (agent-3f2a9c1e000040008000000000000001)",
        "--node-id", NodeId, "--rabbitmq", "amqp://orchestrator:secret@broker:5672")]
    [InlineData("names no user", "--node-id", NodeId, "--rabbitmq", "amqp://broker:5672")]
    [InlineData("is not a node id", "--node-id", "worker-7", "--rabbitmq", "amqp://agent-worker-7:secret@broker:5672")]
    public async Task Another_user_is_refused_with_one_line_and_nothing_installed(string why, params string[] arguments)
    {
        var (exit, _, errors) = await InstallAsync(arguments);

        Assert.Equal(1, exit);
        var line = Assert.Single(errors.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith("install-agent: error: ", line);
        Assert.Contains(why, line);
        Assert.False(File.Exists(EnvFile));
    }

    [Fact]
    public async Task A_shared_user_installs_only_when_asked_for_by_name()
    {
        var (exit, _, errors) = await InstallAsync("--rabbitmq", "amqp://orchestrator:secret@broker:5672", "--shared-broker-user");

        Assert.True(exit == 0, errors);
        Assert.Contains("ConnectionStrings__messaging=amqp://orchestrator:secret@broker:5672", File.ReadAllLines(EnvFile));
    }

    private async Task<(int Exit, string Output, string Errors)> InstallAsync(params string[] arguments)
    {
        var start = new ProcessStartInfo("bash") { RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add(Path.Combine(Repository.Root, "deploy/systemd/install-agent.sh"));
        foreach (var argument in arguments.Concat(["--from", _build, "--root", _root, "--no-start"]))
            start.ArgumentList.Add(argument);
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var errors = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(30));
        return (process.ExitCode, await output, await errors);
    }

    public void Dispose()
    {
        Directory.Delete(_root, recursive: true);
        Directory.Delete(_build, recursive: true);
    }
}
