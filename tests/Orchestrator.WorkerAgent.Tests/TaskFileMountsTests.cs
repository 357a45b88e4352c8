using System.Runtime.Versioning;
using System.Text;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Orchestrator.Domain.Tasks;
using Orchestrator.WorkerAgent.Extensions;
using Orchestrator.WorkerAgent.Host;
using Orchestrator.WorkerAgent.Runtime;

namespace Orchestrator.WorkerAgent.Tests;

public sealed class TaskFileMountsTests : IDisposable
{
    private static readonly NodeIdentity Node = new(Guid.NewGuid(), "node-a");
    private readonly DirectoryInfo _root = Directory.CreateTempSubdirectory("task-files-");
    private readonly AgentOptions _options;
    private readonly TaskFileMounts _files;

    public TaskFileMountsTests()
    {
        _options = new AgentOptions { TaskFilesPath = _root.FullName };
        _files = new TaskFileMounts(Node, Options.Create(_options), NullLogger<TaskFileMounts>.Instance);
    }

    public void Dispose() => _root.Delete(recursive: true);

    private static readonly IReadOnlyDictionary<string, byte[]> Values = new Dictionary<string, byte[]> { ["db-password"] = "s3cret"u8.ToArray() };

    private static ContainerLaunch Launch(TaskSpec spec) => new(Guid.NewGuid(), 1, spec);

    private static TaskSpec Spec(string? user = null) => new()
    {
        Name = "app", Image = "busybox", User = user,
        Files = [new TaskFile { Target = "/etc/app/app.yaml", Content = "port: 80\n", Mode = "0640" }],
        Secrets = [new SecretFile { Name = "db-password" }],
    };

    private const string MountInfo = """
        27 1 254:0 / / rw,relatime - ext4 /dev/vda rw
        25 24 0:23 / /dev/shm rw,relatime - tmpfs tmpfs rw
        80 27 0:40 / /run rw,nosuid,nodev shared:5 - tmpfs tmpfs rw,mode=755
        81 80 0:41 / /run/user/1000 rw,nosuid shared:6 master:1 - tmpfs tmpfs rw
        82 27 0:42 / /srv/my\040data rw - xfs /dev/vdb rw
        """;

    [Theory]
    [InlineData("/run/orchestrator-agent/tasks", "tmpfs")]
    [InlineData("/run", "tmpfs")]
    [InlineData("/running/tasks", "ext4")]
    [InlineData("/var/lib/orchestrator-agent", "ext4")]
    [InlineData("/dev/shm/orchestrator-tests/tasks", "tmpfs")]
    [InlineData("/srv/my data/tasks", "xfs")]
    public void A_path_is_on_the_file_system_of_the_longest_mount_point_that_holds_it(string path, string expected)
    {
        Assert.Equal(expected, TaskFileMounts.FileSystemOf(path, MountInfo));
    }

    [Theory]
    [InlineData("1000", 1000u, 0u)]
    [InlineData("1000:2000", 1000u, 2000u)]
    public void A_numeric_container_user_owns_the_files(string user, uint uid, uint gid)
    {
        Assert.Equal((uid, gid), TaskFileMounts.OwnerOf(user));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("nobody")]
    [InlineData("1000:staff")]
    public void A_user_by_name_leaves_the_files_to_the_agent(string? user)
    {
        Assert.Null(TaskFileMounts.OwnerOf(user));
    }

    [Fact]
    [SupportedOSPlatform("linux")]
    public void Files_and_secrets_are_written_with_their_modes_where_the_mounts_take_them_from()
    {
        var launch = Launch(Spec());

        _files.Write(launch, Values);

        var file = TaskFileMounts.FileSource(_options, Node.Id, launch, 0);
        var secret = TaskFileMounts.SecretSource(_options, Node.Id, launch, 0);
        Assert.Equal("port: 80\n", File.ReadAllText(file));
        Assert.Equal("s3cret", File.ReadAllText(secret));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead, File.GetUnixFileMode(file));
        Assert.Equal(UnixFileMode.UserRead, File.GetUnixFileMode(secret));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute,
            File.GetUnixFileMode(TaskFileMounts.DirectoryOf(_options, Node.Id, launch.TaskId, launch.Attempt)));
    }

    [Fact]
    public void A_secret_whose_value_did_not_come_fails_the_start_and_leaves_nothing_behind()
    {
        var launch = Launch(Spec());

        var error = Assert.Throws<ContainerStartException>(() => _files.Write(launch, new Dictionary<string, byte[]>()));

        Assert.Equal("the value of secret 'db-password' did not reach this node", error.Message);
        Assert.False(_files.Exists(launch.TaskId, launch.Attempt));
        Assert.Empty(Directory.EnumerateFileSystemEntries(Path.Combine(_root.FullName, Node.Id.ToString("N"))));
    }

    [Fact]
    public void Only_the_files_of_attempts_whose_containers_exist_are_kept()
    {
        var kept = Launch(Spec());
        var gone = Launch(Spec());
        _files.Write(kept, Values);
        _files.Write(gone, Values);

        _files.RemoveAllBut([(kept.TaskId, kept.Attempt)]);

        Assert.True(_files.Exists(kept.TaskId, kept.Attempt));
        Assert.False(_files.Exists(gone.TaskId, gone.Attempt));
    }

    [Fact]
    public void Each_file_and_secret_is_bound_read_only_at_its_target_and_secret_variables_carry_their_values()
    {
        var launch = Launch(Spec() with
        {
            Secrets = [new SecretFile { Name = "db-password" }, new SecretFile { Name = "api-token", Target = "/etc/app/token" }],
            SecretEnv = new Dictionary<string, string> { ["DB_PASSWORD"] = "db-password" },
        });
        var values = new Dictionary<string, byte[]> { ["db-password"] = "s3cret"u8.ToArray(), ["api-token"] = "t0ken"u8.ToArray() };

        var parameters = ContainerSpec.From(launch, Node, _options, secrets: values);

        var binds = parameters.HostConfig.Mounts.Select(m => (m.Type, m.Source, m.Target, m.ReadOnly)).ToList();
        Assert.Equal(
        [
            ("bind", TaskFileMounts.FileSource(_options, Node.Id, launch, 0), "/etc/app/app.yaml", true),
            ("bind", TaskFileMounts.SecretSource(_options, Node.Id, launch, 0), "/run/secrets/db-password", true),
            ("bind", TaskFileMounts.SecretSource(_options, Node.Id, launch, 1), "/etc/app/token", true),
        ], binds);
        Assert.Contains("DB_PASSWORD=s3cret", parameters.Env);
        // A secret used as a file is in no part of the container's configuration; the spec label names it only.
        var configuration = string.Join('\n', parameters.Labels.Values.Concat(parameters.Env.Where(v => !v.StartsWith("DB_PASSWORD="))));
        Assert.DoesNotContain("t0ken", configuration);
        Assert.DoesNotContain("s3cret", configuration);
    }

    [Fact]
    public void A_secret_variable_whose_value_did_not_come_fails_the_start()
    {
        var launch = Launch(new TaskSpec
        {
            Name = "app", Image = "busybox", SecretEnv = new Dictionary<string, string> { ["TOKEN"] = "api-token" },
        });

        var error = Assert.Throws<ContainerStartException>(() => ContainerSpec.From(launch, Node, _options, secrets: Values));

        Assert.Equal("the value of secret 'api-token' did not reach this node", error.Message);
    }

    [Fact]
    public void Utf8_secret_values_become_variables_as_text()
    {
        var spec = new TaskSpec { Name = "app", Image = "busybox", SecretEnv = new Dictionary<string, string> { ["GREETING"] = "hello" } };

        var env = ContainerSpec.SecretEnvironment(spec, new Dictionary<string, byte[]> { ["hello"] = Encoding.UTF8.GetBytes("grüß dich") });

        Assert.Equal(["GREETING=grüß dich"], env);
    }
}

public sealed class TaskFilesPathTests : IDisposable
{
    private readonly DirectoryInfo _dataPath = Directory.CreateTempSubdirectory("agent-task-files-");

    public void Dispose() => _dataPath.Delete(recursive: true);

    [Fact]
    public void An_agent_whose_task_files_path_is_not_in_memory_refuses_to_start_naming_the_setting()
    {
        var builder = Microsoft.Extensions.Hosting.Host.CreateApplicationBuilder();
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Agent:DataPath"] = _dataPath.FullName,
            ["Agent:NodeId"] = Guid.NewGuid().ToString(),
            // /proc is never tmpfs, on any host this runs on.
            ["Agent:TaskFilesPath"] = "/proc/orchestrator-tasks",
        });
        builder.AddWorkerAgent();
        using var host = builder.Build();

        var error = Assert.Throws<OptionsValidationException>(() => _ = host.Services.GetRequiredService<IOptions<AgentOptions>>().Value);

        Assert.Equal(
            "Agent:TaskFilesPath must be on tmpfs or ramfs (as /run is on most Linux hosts), so that secrets never reach the node's disk",
            error.Message);
    }
}
