using Orchestrator.Cli.Client;
using Orchestrator.Cli.Commands;
using Spectre.Console;
using Spectre.Console.Cli;

namespace Orchestrator.Cli;

/// <summary>The commands, their help and examples, and how failures are shown: one line on stderr, no stack trace.</summary>
public static class CliApp
{
    public const int UsageError = 2;

    public static async Task<int> RunAsync(string[] args, IAnsiConsole? console = null, TextWriter? errors = null)
    {
        console ??= AnsiConsole.Console;
        // Piped output has no terminal width; wrapping tables at 80 columns would only hurt grep and friends.
        if (Console.IsOutputRedirected && console.Profile.Width < 160)
            console.Profile.Width = 160;
        errors ??= Console.Error;
        using var cancellation = new CancellationTokenSource();
        ConsoleCancelEventHandler onCancel = (_, e) =>
        {
            e.Cancel = true;
            cancellation.Cancel();
        };
        Console.CancelKeyPress += onCancel;
        try
        {
            var app = Build(console);
            return await app.RunAsync(args, cancellation.Token);
        }
        catch (CliException error)
        {
            errors.WriteLine($"error: {error.Message}");
            return error.ExitCode;
        }
        catch (CommandAppException error)
        {
            errors.WriteLine($"error: {NameTheFlag(error.Message, args)}");
            return UsageError;
        }
        finally
        {
            Console.CancelKeyPress -= onCancel;
        }
    }

    /// <summary>
    /// The parser's "Failed to convert 'abc' to Nullable`1." names neither the flag nor what it takes: this names the
    /// flag the value was given to. Any other message is passed on as it is.
    /// </summary>
    private static string NameTheFlag(string message, IReadOnlyList<string> args)
    {
        const string Prefix = "Failed to convert '";
        var end = message.IndexOf("' to ", StringComparison.Ordinal);
        if (!message.StartsWith(Prefix, StringComparison.Ordinal) || end < Prefix.Length)
            return message;
        var value = message[Prefix.Length..end];
        for (var i = 0; i < args.Count; i++)
        {
            var flag = args[i] == value && i > 0 && args[i - 1].StartsWith('-') ? args[i - 1]
                : args[i].StartsWith('-') && args[i].EndsWith($"={value}", StringComparison.Ordinal) ? args[i][..args[i].IndexOf('=')]
                : null;
            if (flag is not null)
                return $"{flag} does not take '{value}' (see --help for what it takes)";
        }
        return $"'{value}' is not a value this command takes (see --help)";
    }

    private static CommandApp Build(IAnsiConsole console)
    {
        var app = new CommandApp(new ServiceRegistrar(console));
        app.Configure(config =>
        {
            config.SetApplicationName("orchestrator");
            config.ConfigureConsole(console);
            config.PropagateExceptions();
            config.CancellationExitCode(130);

            config.AddCommand<RunCommand>("run")
                .WithDescription("Submit a task and print its id")
                .WithExample("run", "--name", "web", "--image", "nginx:1.27", "--cpu", "0.5", "--memory", "128", "-p", "8080:80")
                .WithExample("run", "--name", "job", "--image", "busybox", "--restart", "on-failure:5", "--wait", "--", "sh", "-c", "echo hi")
                .WithExample("run", "--name", "db", "--image", "postgres:17", "--mount", "type=volume,source=pgdata,target=/var/lib/postgresql/data", "--shm-size", "256", "-e", "POSTGRES_PASSWORD=secret")
                .WithExample("run", "-f", "task.json");
            config.AddCommand<StopCommand>("stop")
                .WithDescription("Stop tasks: SIGTERM, then SIGKILL after the grace period; the containers are removed")
                .WithExample("stop", "3f2a9c");
            config.AddCommand<ReleaseVolumesCommand>("release-volumes")
                .WithDescription("Let tasks that wait for a Down or drained node holding their volumes start elsewhere, with empty volumes")
                .WithExample("release-volumes", "3f2a9c");
            config.AddCommand<StatusCommand>("status")
                .WithDescription("Every task as a table, or one task in detail with its latest events")
                .WithExample("status")
                .WithExample("status", "3f2a9c")
                .WithExample("status", "--watch")
                .WithExample("status", "--state", "running")
                .WithExample("status", "--output", "json");
            config.AddCommand<LogsCommand>("logs")
                .WithDescription("A task's stdout and stderr")
                .WithExample("logs", "3f2a9c", "--tail", "100")
                .WithExample("logs", "-f", "3f2a9c");
            config.AddCommand<EventsCommand>("events")
                .WithDescription("A task's history: every change of state, with its reason")
                .WithExample("events", "3f2a9c");
            config.AddCommand<AuditCommand>("audit")
                .WithDescription("Who changed what: every change asked for through the Api, newest first, with the key that asked")
                .WithExample("audit", "--key", "ci", "--kind", "CancelTask")
                .WithExample("audit", "--since", "2026-12-06T08:00:00Z", "--output", "json");
            config.AddBranch("job", job =>
            {
                job.SetDescription("Jobs: a task kept running COUNT times (service), run to completion (batch), or on a schedule (periodic)");
                job.AddCommand<JobRunCommand>("run")
                    .WithDescription("Create a job, or change it: a changed task is rolled out one task at a time")
                    .WithExample("job", "run", "web", "--image", "nginx:1.27", "--count", "3", "--memory", "64", "-p", "80")
                    .WithExample("job", "run", "web", "-f", "job.json")
                    .WithExample("job", "run", "backup", "--type", "batch", "--schedule", "0 2 * * *", "--time-zone", "Europe/Berlin", "--image", "backup:1", "--memory", "64");
                job.AddCommand<JobRevisionsCommand>("revisions")
                    .WithDescription("A job's revisions, newest first: when, why, and the image")
                    .WithExample("job", "revisions", "web");
                job.AddCommand<JobRevertCommand>("revert")
                    .WithDescription("Go back to an earlier revision's spec, rolled out as a new revision")
                    .WithExample("job", "revert", "web", "2", "--wait");
                job.AddCommand<JobRestartCommand>("restart")
                    .WithDescription("Replace every task of a job, one at a time as a rollout does, with the same spec")
                    .WithExample("job", "restart", "web", "--wait");
                job.AddCommand<JobPromoteCommand>("promote")
                    .WithDescription("Promote the canaries of a job's rollout: go on replacing the old tasks")
                    .WithExample("job", "promote", "web");
                job.AddCommand<JobRunNowCommand>("run-now")
                    .WithDescription("Start a run of a periodic job now, beside its schedule")
                    .WithExample("job", "run-now", "backup");
                job.AddCommand<JobScaleCommand>("scale")
                    .WithDescription("Change how many tasks a job, or one group of it, keeps running")
                    .WithExample("job", "scale", "web", "5")
                    .WithExample("job", "scale", "shop", "api", "3");
                job.AddCommand<JobStatusCommand>("status")
                    .WithDescription("Every job as a table, or one job with its tasks")
                    .WithExample("job", "status")
                    .WithExample("job", "status", "web");
                job.AddCommand<JobStopCommand>("stop")
                    .WithDescription("Stop every task of a job and delete it; the tasks' history stays")
                    .WithExample("job", "stop", "web");
            });
            config.AddCommand<NodesCommand>("nodes")
                .WithDescription("Every worker node: status, cpu, memory and disk (used / allocated / capacity), tasks, last heartbeat")
                .WithExample("nodes")
                .WithExample("nodes", "-o", "json");
            config.AddCommand<ServicesCommand>("services")
                .WithDescription("The service catalog: every service with its passing and failing instances, or one service's instances")
                .WithExample("services")
                .WithExample("services", "web")
                .WithExample("services", "web", "--all");
            config.AddCommand<DrainCommand>("drain")
                .WithDescription("Stop placing on a node and move its tasks elsewhere")
                .WithExample("drain", "worker-2");
            config.AddCommand<ReadyCommand>("ready")
                .WithDescription("Return a drained node to service")
                .WithExample("ready", "worker-2");
            config.AddBranch("node", node =>
            {
                node.SetDescription("A node's named volumes: the data tasks keep there");
                node.AddCommand<NodeVolumesCommand>("volumes")
                    .WithDescription("The volumes the node's agent made for tasks: job, slot, the task that made each, who uses each now")
                    .WithExample("node", "volumes", "worker-2");
                node.AddCommand<NodeRemoveVolumeCommand>("rm-volume")
                    .WithDescription("Remove a volume and its data; refused while any container, a stopped one too, references it")
                    .WithExample("node", "rm-volume", "worker-2", "pgdata");
            });
            config.AddBranch("secret", secret =>
            {
                secret.SetDescription("Secrets: values tasks mount as files (secrets) or take as variables (secretEnv); never shown again");
                secret.AddCommand<SecretSetCommand>("set")
                    .WithDescription("Create a secret or give it a new value, from a file or standard input; the jobs that use it roll out")
                    .WithExample("secret", "set", "db-password", "--from-file", "./db-password.txt")
                    .WithExample("secret", "set", "api-token");
                secret.AddCommand<SecretListCommand>("ls")
                    .WithDescription("Every secret: version, last change and who uses it (names only for a read-only key)")
                    .WithExample("secret", "ls");
                secret.AddCommand<SecretRemoveCommand>("rm")
                    .WithDescription("Remove a secret; refused while a live task or a job uses it")
                    .WithExample("secret", "rm", "db-password");
            });
            config.AddBranch("registry", registry =>
            {
                registry.SetDescription("Private registries: the credentials agents pull a registry's images with; the password never shown again");
                registry.AddCommand<RegistryLoginCommand>("login")
                    .WithDescription("Store a registry's user name and password, the password from standard input or a prompt")
                    .WithExample("registry", "login", "registry.example.com", "--username", "deploy")
                    .WithExample("registry", "login", "127.0.0.1:5000", "-u", "deploy", "--password-stdin");
                registry.AddCommand<RegistryListCommand>("ls")
                    .WithDescription("The registries with stored credentials: user name and times (servers only for a read-only key)")
                    .WithExample("registry", "ls");
                registry.AddCommand<RegistryRemoveCommand>("rm")
                    .WithDescription("Forget a registry's credentials")
                    .WithExample("registry", "rm", "registry.example.com");
            });
            config.AddCommand<ManagerCommand>("manager")
                .WithDescription("Run the control plane (Api, StateStore, Scheduler) in the foreground")
                .WithExample("manager", "--postgres", "Host=localhost;Database=orchestrator;Username=postgres;Password=secret", "--rabbitmq", "amqp://guest:guest@localhost:5672");
            config.AddCommand<WorkerCommand>("worker")
                .WithDescription("Run a worker agent for this host's Docker engine in the foreground")
                .WithExample("worker", "--rabbitmq", "amqp://guest:guest@manager:5672", "--name", "worker-1", "--label", "disk=ssd");
        });
        return app;
    }
}
