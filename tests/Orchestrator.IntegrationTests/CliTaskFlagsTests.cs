using System.Text.Json;
using Orchestrator.Cli.Client;
using Orchestrator.Cli.Commands;
using Orchestrator.Domain.Tasks;
using Orchestrator.Cli;
using Orchestrator.IntegrationTests.Infrastructure;
using Spectre.Console;

namespace Orchestrator.IntegrationTests;

/// <summary>
/// The task flags of run and job run, turned into the Api's JSON without a cluster: what docker's spelling of a mount,
/// a ulimit or a stop signal becomes, and the one line a malformed value gets.
/// </summary>
public sealed class CliTaskFlagsTests
{
    /// <summary>The spec as the Api reads it: an unknown field, or a flag written under the wrong name, throws here.</summary>
    private static TaskSpec Spec(RunSettings settings) =>
        JsonSerializer.Deserialize<TaskSpec>(RunFlags.ToSpec(settings, "db", []), ClusterFixture.Json)!;

    [Fact]
    public void Every_container_flag_becomes_its_field_in_a_spec_the_Api_accepts()
    {
        var spec = Spec(new RunSettings
        {
            Image = "postgres:17",
            Mounts =
            [
                "type=volume,source=pgdata,target=/var/lib/postgresql/data",
                "type=host,src=certs,dst=/certs,readonly",
                "type=tmpfs,target=/scratch,size=64",
            ],
            User = "999:999",
            ReadOnly = true,
            CapAdd = ["NET_ADMIN"],
            CapDrop = ["ALL"],
            ShmSize = 256,
            Ulimits = ["nofile=1024:2048", "core=-1"],
            StopSignal = "int",
            Init = true,
            LogMaxSize = 50,
            LogMaxFiles = 5,
        });

        Assert.Empty(TaskSpecValidator.Validate(spec));
        Assert.Equal(
            [
                new Mount { Type = "volume", Source = "pgdata", Target = "/var/lib/postgresql/data" },
                new Mount { Type = "host", Source = "certs", Target = "/certs", ReadOnly = true },
                new Mount { Type = "tmpfs", Target = "/scratch", SizeMb = 64 },
            ],
            spec.Mounts!);
        Assert.Equal("999:999", spec.User);
        Assert.True(spec.ReadOnlyRootFilesystem);
        Assert.Equal(["NET_ADMIN"], spec.CapAdd!);
        Assert.Equal(["ALL"], spec.CapDrop!);
        Assert.Equal(256, spec.ShmSizeMb);
        Assert.Equal([new Ulimit { Name = "nofile", Soft = 1024, Hard = 2048 }, new Ulimit { Name = "core", Soft = -1 }], spec.Ulimits!);
        Assert.Equal("SIGINT", spec.StopSignal);
        Assert.True(spec.Init);
        Assert.Equal(new LogSettings { MaxSizeMb = 50, MaxFiles = 5 }, spec.Logs);
    }

    [Fact]
    public void Without_container_flags_the_spec_leaves_every_option_to_its_default()
    {
        var spec = Spec(new RunSettings { Image = "busybox" });

        Assert.Equal(new TaskSpec { Name = "db", Image = "busybox" }, spec);
    }

    [Fact]
    public void A_mount_without_a_type_is_a_volume_and_one_log_flag_leaves_the_other_to_its_default()
    {
        var spec = Spec(new RunSettings { Image = "busybox", Mounts = ["source=data,target=/data,readonly=false"], LogMaxFiles = 2 });

        Assert.Equal([new Mount { Type = "volume", Source = "data", Target = "/data" }], spec.Mounts!);
        Assert.Equal(new LogSettings { MaxFiles = 2 }, spec.Logs);
        Assert.Equal(10, spec.LogsOrDefault.MaxSizeMbOrDefault);
    }

    [Theory]
    [InlineData("--mount")]
    [InlineData("--read-only")]
    [InlineData("--init")]
    [InlineData("--log-max-files")]
    public void A_container_flag_is_a_spec_flag_that_a_spec_file_does_not_allow(string flag)
    {
        var settings = flag switch
        {
            "--mount" => new RunSettings { Mounts = ["type=tmpfs,target=/x,size=1"] },
            "--read-only" => new RunSettings { ReadOnly = true },
            "--init" => new RunSettings { Init = true },
            _ => new RunSettings { LogMaxFiles = 1 },
        };
        Assert.True(settings.HasSpecFlags([]));
    }

    [Theory]
    [InlineData("type=volume,source=data", "--mount 'type=volume,source=data': target is required")]
    [InlineData("type=tmpfs,target=/x,size=64m", "size is a whole number of MiB")]
    [InlineData("type=volume,source=data,target=/d,driver=local", "expected type=volume|host|tmpfs,source=NAME,target=PATH")]
    [InlineData("type=,target=/d", "expected type=volume|host|tmpfs")]
    [InlineData("type=host,src=c,dst=/c,readonly=maybe", "readonly is true or false")]
    public void A_malformed_mount_is_one_readable_line_and_a_usage_error(string value, string message)
    {
        var error = Assert.Throws<CliException>(() => RunFlags.Mount(value));

        Assert.Equal(2, error.ExitCode);
        Assert.Contains(message, error.Message);
        Assert.DoesNotContain('\n', error.Message);
    }

    [Theory]
    [InlineData("nofile")]
    [InlineData("=1024")]
    [InlineData("nofile=")]
    [InlineData("nofile=lots")]
    [InlineData("nofile=1:2:3")]
    public void A_malformed_ulimit_is_one_readable_line_and_a_usage_error(string value)
    {
        var error = Assert.Throws<CliException>(() => RunFlags.Ulimit(value));

        Assert.Equal(2, error.ExitCode);
        Assert.Equal($"--ulimit '{value}': expected NAME=SOFT[:HARD], e.g. nofile=1024:2048 (-1 is unlimited)", error.Message);
    }

    [Fact]
    public void Secret_and_pull_flags_become_their_fields_in_a_spec_the_Api_accepts()
    {
        var spec = Spec(new RunSettings
        {
            Image = "postgres:17",
            Secrets = ["db-password", "tls.key:/certs/tls.key"],
            SecretEnv = ["POSTGRES_PASSWORD=db-password"],
            Pull = "missing",
        });

        Assert.Equal([("db-password", "/run/secrets/db-password"), ("tls.key", "/certs/tls.key")],
            spec.SecretsOrEmpty.Select(s => (s.Name, s.TargetOrDefault)));
        Assert.Equal("db-password", spec.SecretEnv!["POSTGRES_PASSWORD"]);
        Assert.Equal(ImagePullPolicy.IfNotPresent, spec.ImagePullPolicy);
        Assert.Empty(TaskSpecValidator.Validate(spec with { Name = "db" }));
    }

    [Theory]
    [InlineData("--secret-env", "TOKEN", "--secret-env 'TOKEN': expected VAR=SECRET-NAME")]
    [InlineData("--secret-env", "TOKEN=", "--secret-env 'TOKEN=': expected VAR=SECRET-NAME")]
    [InlineData("--pull", "sometimes", "--pull 'sometimes': expected always, missing or never")]
    public void A_malformed_secret_or_pull_flag_is_one_readable_line_and_a_usage_error(string flag, string value, string message)
    {
        var settings = flag == "--pull" ? new RunSettings { Image = "busybox", Pull = value } : new RunSettings { Image = "busybox", SecretEnv = [value] };

        var error = Assert.Throws<CliException>(() => RunFlags.ToSpec(settings, "x", []));

        Assert.Equal(2, error.ExitCode);
        Assert.Equal(message, error.Message);
    }

    [Theory]
    [InlineData("SIGQUIT", "SIGQUIT")]
    [InlineData("quit", "SIGQUIT")]
    [InlineData("sigusr1", "SIGUSR1")]
    public void A_stop_signal_may_be_written_as_docker_takes_it(string value, string expected) =>
        Assert.Equal(expected, RunFlags.StopSignal(value));

    [Theory]
    [InlineData("--cpu", "abc")]
    [InlineData("--shm-size", "lots")]
    [InlineData("--log-max-files", "1.5")]
    public async Task A_flag_given_a_value_it_cannot_take_is_named_in_one_line_and_a_usage_error(string flag, string value)
    {
        var errors = new StringWriter();
        var console = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(new StringWriter()), Interactive = InteractionSupport.No });

        var exit = await CliApp.RunAsync(["run", "--name", "x", "--image", "busybox", flag, value, "--api", "http://127.0.0.1:9"], console, errors);

        Assert.Equal(2, exit);
        Assert.Equal($"error: {flag} does not take '{value}' (see --help for what it takes)", errors.ToString().Trim());
    }
}
