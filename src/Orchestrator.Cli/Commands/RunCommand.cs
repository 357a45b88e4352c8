using System.ComponentModel;
using System.Globalization;
using System.Text.Json.Nodes;
using Orchestrator.Cli.Client;
using Orchestrator.Contracts;
using Orchestrator.Domain.Tasks;
using Spectre.Console;
using Spectre.Console.Cli;

namespace Orchestrator.Cli.Commands;

/// <summary>The flags that describe a task, shared by run and job run.</summary>
public class TaskSpecSettings : ApiSettings
{
    [CommandOption("--image <IMAGE>")]
    public string? Image { get; init; }

    [CommandOption("--cpu <CORES>")]
    [Description("Cores, e.g. 0.5")]
    public decimal? Cpu { get; init; }

    [CommandOption("--memory <MIB>")]
    public long? Memory { get; init; }

    [CommandOption("--disk <MIB>")]
    public long? Disk { get; init; }

    [CommandOption("-p|--port <PORT>")]
    [Description("HOST:CONTAINER, or CONTAINER for an engine-picked host port; /udp for udp. Repeatable")]
    public string[] Ports { get; init; } = [];

    [CommandOption("-e|--env <KEY=VALUE>")]
    [Description("An environment variable. Repeatable")]
    public string[] Env { get; init; } = [];

    [CommandOption("--restart <POLICY>")]
    [Description("never, on-failure[[:N]] or always[[:N]]")]
    public string? Restart { get; init; }

    [CommandOption("--health <CHECK>")]
    [Description("http::PORT/PATH or tcp::PORT")]
    public string? Health { get; init; }

    [CommandOption("--mount <MOUNT>")]
    [Description("type=volume|host|tmpfs,source=NAME,target=PATH[[,readonly]]; size=MIB for tmpfs. Repeatable")]
    public string[] Mounts { get; init; } = [];

    [CommandOption("--user <USER>")]
    [Description("The user the container runs as: NAME, UID or UID:GID")]
    public string? User { get; init; }

    [CommandOption("--read-only")]
    [Description("Mount the container's root filesystem read-only")]
    public bool ReadOnly { get; init; }

    [CommandOption("--cap-add <CAPABILITY>")]
    [Description("A Linux capability to add, e.g. NET_ADMIN. Repeatable")]
    public string[] CapAdd { get; init; } = [];

    [CommandOption("--cap-drop <CAPABILITY>")]
    [Description("A Linux capability to drop, or ALL. Repeatable")]
    public string[] CapDrop { get; init; } = [];

    [CommandOption("--shm-size <MIB>")]
    [Description("The size of /dev/shm")]
    public long? ShmSize { get; init; }

    [CommandOption("--ulimit <LIMIT>")]
    [Description("A resource limit, e.g. nofile=1024:2048; -1 is unlimited. Repeatable")]
    public string[] Ulimits { get; init; } = [];

    [CommandOption("--stop-signal <SIGNAL>")]
    [Description("The signal that asks the container to stop, e.g. SIGINT")]
    public string? StopSignal { get; init; }

    [CommandOption("--init")]
    [Description("Run a tiny init as PID 1 that forwards signals and reaps children")]
    public bool Init { get; init; }

    [CommandOption("--log-max-size <MIB>")]
    [Description("The size of each of the container's log files. Default 10")]
    public int? LogMaxSize { get; init; }

    [CommandOption("--log-max-files <N>")]
    [Description("How many log files the node keeps. Default 3")]
    public int? LogMaxFiles { get; init; }

    [CommandOption("--secret <NAME[:TARGET]>")]
    [Description("Mount a secret as a file (from memory, mode 0400): at /run/secrets/NAME, or at TARGET. Repeatable")]
    public string[] Secrets { get; init; } = [];

    [CommandOption("--secret-env <VAR=NAME>")]
    [Description("Set variable VAR to secret NAME's value (the engine keeps it in the container's configuration; prefer --secret). Repeatable")]
    public string[] SecretEnv { get; init; } = [];

    [CommandOption("--pull <POLICY>")]
    [Description("When the node pulls the image: always, missing (if-not-present) or never. Default: always for :latest or no tag, else missing")]
    public string? Pull { get; init; }

    /// <summary>Whether any spec flag was given, which a spec read from a file does not allow.</summary>
    public bool HasSpecFlags(IReadOnlyList<string> command) =>
        Image is not null || Cpu is not null || Memory is not null || Disk is not null || Ports.Length > 0 || Env.Length > 0
        || Restart is not null || Health is not null || command.Count > 0
        || Mounts.Length > 0 || User is not null || ReadOnly || CapAdd.Length > 0 || CapDrop.Length > 0 || ShmSize is not null
        || Ulimits.Length > 0 || StopSignal is not null || Init || LogMaxSize is not null || LogMaxFiles is not null
        || Secrets.Length > 0 || SecretEnv.Length > 0 || Pull is not null;
}

public sealed class RunSettings : TaskSpecSettings
{
    [CommandOption("-f|--file <PATH>")]
    [Description("A task spec in the Api's JSON; - reads standard input. Other spec flags are then not allowed")]
    public string? File { get; init; }

    [CommandOption("--name <NAME>")]
    public string? Name { get; init; }

    [CommandOption("--wait")]
    [Description("Wait until the task is Running (exit 0) or has failed (exit 1), showing its state")]
    public bool Wait { get; init; }
}

/// <summary>orchestrator run: submit a task from flags or a JSON file, and optionally wait for it to run.</summary>
public sealed class RunCommand(IAnsiConsole console) : AsyncCommand<RunSettings>
{
    public override async Task<int> ExecuteAsync(CommandContext context, RunSettings settings, CancellationToken cancellationToken)
    {
        var client = settings.CreateClient();
        if (settings.File is null && (settings.Name is null || settings.Image is null))
            throw new CliException("run needs --name and --image (or -f FILE)", 2);
        var spec = settings.File is { } file
            ? await SpecFile.ReadAsync(file, settings.Name is not null || settings.HasSpecFlags(context.Remaining.Raw), cancellationToken)
            : RunFlags.ToSpec(settings, settings.Name!, context.Remaining.Raw);
        // Retries are told on stderr: stdout carries only the id, for scripts.
        var task = await client.SubmitAsync(spec, cancellationToken);
        console.Profile.Out.Writer.WriteLine(task.Id);
        return settings.Wait ? await WaitAsync(client, task, cancellationToken) : 0;
    }

    private async Task<int> WaitAsync(OrchestratorClient client, TaskDetails task, CancellationToken cancellationToken)
    {
        var last = task.State;
        console.MarkupLine($"[grey]{task.State}[/]");
        while (true)
        {
            await Task.Delay(TimeSpan.FromMilliseconds(300), cancellationToken);
            task = await client.GetTaskAsync(task.Id, cancellationToken);
            if (task.State != last)
            {
                console.MarkupLine($"[grey]{task.State}[/]{(task.Message is null ? "" : Markup.Escape($": {task.Message}"))}");
                last = task.State;
            }
            if (task.State == TaskState.Running)
                return 0;
            if (TaskStateMachine.IsTerminal(task.State))
                throw new CliException($"task {task.Name} ended {task.State} before running: {task.Message}");
        }
    }
}

/// <summary>A spec in the Api's JSON, read from a file or standard input ("-").</summary>
public static class SpecFile
{
    public static async Task<string> ReadAsync(string file, bool flagsGiven, CancellationToken cancellationToken)
    {
        if (flagsGiven)
            throw new CliException("-f cannot be combined with spec flags or a command", 2);
        try
        {
            return file == "-" ? await Console.In.ReadToEndAsync(cancellationToken) : await System.IO.File.ReadAllTextAsync(file, cancellationToken);
        }
        catch (IOException error)
        {
            throw new CliException($"cannot read {file}: {error.Message}", 2);
        }
    }
}

/// <summary>Turns the task flags into the Api's JSON spec, refusing malformed values with a readable line.</summary>
public static class RunFlags
{
    public static string ToSpec(TaskSpecSettings settings, string name, IReadOnlyList<string> command) =>
        ToJson(settings, command, name).ToJsonString();

    /// <summary>The spec as JSON; without a name for a job's task, which the job names.</summary>
    public static JsonObject ToJson(TaskSpecSettings settings, IReadOnlyList<string> command, string? name = null)
    {
        if (settings.Image is null)
            throw new CliException("a task needs --image (or -f FILE)", 2);
        var spec = new JsonObject { ["image"] = settings.Image };
        if (name is not null)
            spec["name"] = name;
        if (command.Count > 0)
            spec["command"] = new JsonArray(command.Select(a => (JsonNode)a!).ToArray());
        if (settings.Env.Length > 0)
            spec["env"] = Env(settings.Env);
        if (settings.Cpu is not null || settings.Memory is not null || settings.Disk is not null)
            spec["resources"] = new JsonObject { ["cpu"] = settings.Cpu, ["memoryMb"] = settings.Memory, ["diskMb"] = settings.Disk };
        if (settings.Ports.Length > 0)
            spec["ports"] = new JsonArray(settings.Ports.Select(Port).ToArray<JsonNode>());
        if (settings.Restart is { } restart)
            spec["restartPolicy"] = Restart(restart);
        if (settings.Health is { } health)
            spec["healthCheck"] = Health(health);
        AddContainerOptions(spec, settings);
        return spec;
    }

    /// <summary>The mounts and the container options, each only when its flag was given, so the Api's defaults hold.</summary>
    private static void AddContainerOptions(JsonObject spec, TaskSpecSettings settings)
    {
        if (settings.Mounts.Length > 0)
            spec["mounts"] = new JsonArray(settings.Mounts.Select(Mount).ToArray<JsonNode>());
        if (settings.User is { } user)
            spec["user"] = user;
        if (settings.ReadOnly)
            spec["readOnlyRootFilesystem"] = true;
        if (settings.CapAdd.Length > 0)
            spec["capAdd"] = new JsonArray(settings.CapAdd.Select(c => (JsonNode)c!).ToArray());
        if (settings.CapDrop.Length > 0)
            spec["capDrop"] = new JsonArray(settings.CapDrop.Select(c => (JsonNode)c!).ToArray());
        if (settings.ShmSize is { } shm)
            spec["shmSizeMb"] = shm;
        if (settings.Ulimits.Length > 0)
            spec["ulimits"] = new JsonArray(settings.Ulimits.Select(Ulimit).ToArray<JsonNode>());
        if (settings.StopSignal is { } signal)
            spec["stopSignal"] = StopSignal(signal);
        if (settings.Init)
            spec["init"] = true;
        if (settings.LogMaxSize is not null || settings.LogMaxFiles is not null)
            spec["logs"] = new JsonObject { ["maxSizeMb"] = settings.LogMaxSize, ["maxFiles"] = settings.LogMaxFiles };
        if (settings.Secrets.Length > 0)
            spec["secrets"] = new JsonArray(settings.Secrets.Select(Secret).ToArray<JsonNode>());
        if (settings.SecretEnv.Length > 0)
            spec["secretEnv"] = SecretEnv(settings.SecretEnv);
        if (settings.Pull is { } pull)
            spec["imagePullPolicy"] = PullPolicy(pull);
    }

    /// <summary>"db-password" or "db-password:/etc/app/password".</summary>
    public static JsonObject Secret(string value)
    {
        var colon = value.IndexOf(':');
        var secret = new JsonObject { ["name"] = colon < 0 ? value : value[..colon] };
        if (colon >= 0)
            secret["target"] = value[(colon + 1)..];
        return secret;
    }

    private static JsonObject SecretEnv(IEnumerable<string> pairs)
    {
        var env = new JsonObject();
        foreach (var pair in pairs)
        {
            var equals = pair.IndexOf('=');
            if (equals <= 0 || equals == pair.Length - 1)
                throw new CliException($"--secret-env '{pair}': expected VAR=SECRET-NAME", 2);
            env[pair[..equals]] = pair[(equals + 1)..];
        }
        return env;
    }

    /// <summary>docker run's --pull words (always, missing, never), and the spec's own.</summary>
    public static string PullPolicy(string value) => value.Trim().ToLowerInvariant() switch
    {
        "always" => Domain.Tasks.ImagePullPolicy.Always,
        "missing" or "if-not-present" or "ifnotpresent" => Domain.Tasks.ImagePullPolicy.IfNotPresent,
        "never" => Domain.Tasks.ImagePullPolicy.Never,
        _ => throw new CliException($"--pull '{value}': expected always, missing or never", 2),
    };

    private const string MountSyntax = "expected type=volume|host|tmpfs,source=NAME,target=PATH[,readonly][,size=MIB]";

    /// <summary>
    /// Docker's --mount: "type=volume,source=pgdata,target=/data", "type=host,src=certs,dst=/certs,readonly",
    /// "type=tmpfs,target=/scratch,size=64" (MiB). The type defaults to volume, as docker's does.
    /// </summary>
    public static JsonObject Mount(string value)
    {
        var mount = new JsonObject { ["type"] = Domain.Tasks.Mount.VolumeType };
        foreach (var part in value.Split(','))
        {
            var equals = part.IndexOf('=');
            var (key, text) = equals < 0 ? (part, null) : (part[..equals], part[(equals + 1)..]);
            switch (key.Trim().ToLowerInvariant())
            {
                case "type" when text is { Length: > 0 }:
                    mount["type"] = text;
                    break;
                case "source" or "src" when text is { Length: > 0 }:
                    mount["source"] = text;
                    break;
                case "target" or "destination" or "dst" when text is { Length: > 0 }:
                    mount["target"] = text;
                    break;
                case "readonly" or "ro":
                    mount["readOnly"] = text switch
                    {
                        null or "true" or "1" => true,
                        "false" or "0" => false,
                        _ => throw new CliException($"--mount '{value}': readonly is true or false", 2),
                    };
                    break;
                case "size" when long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var sizeMb):
                    mount["sizeMb"] = sizeMb;
                    break;
                case "size":
                    throw new CliException($"--mount '{value}': size is a whole number of MiB", 2);
                default:
                    throw new CliException($"--mount '{value}': {MountSyntax}", 2);
            }
        }
        if (mount["target"] is null)
            throw new CliException($"--mount '{value}': target is required; {MountSyntax}", 2);
        return mount;
    }

    /// <summary>Docker's --ulimit: "nofile=1024" or "nofile=1024:2048", -1 for unlimited.</summary>
    public static JsonObject Ulimit(string value)
    {
        var equals = value.IndexOf('=');
        var limits = equals <= 0 ? [] : value[(equals + 1)..].Split(':');
        if (limits.Length is < 1 or > 2 || !limits.All(IsLimit))
            throw new CliException($"--ulimit '{value}': expected NAME=SOFT[:HARD], e.g. nofile=1024:2048 (-1 is unlimited)", 2);
        var ulimit = new JsonObject { ["name"] = value[..equals], ["soft"] = ParseLimit(limits[0]) };
        if (limits.Length == 2)
            ulimit["hard"] = ParseLimit(limits[1]);
        return ulimit;

        static bool IsLimit(string text) => long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out _);
        static long ParseLimit(string text) => long.Parse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture);
    }

    /// <summary>"SIGINT", and as docker takes them, "INT" or "sigint".</summary>
    public static string StopSignal(string value)
    {
        var upper = value.Trim().ToUpperInvariant();
        return upper.Length == 0 || upper.StartsWith("SIG", StringComparison.Ordinal) ? upper : "SIG" + upper;
    }

    private static JsonObject Env(IEnumerable<string> pairs)
    {
        var env = new JsonObject();
        foreach (var pair in pairs)
        {
            var equals = pair.IndexOf('=');
            if (equals <= 0)
                throw new CliException($"-e '{pair}': expected KEY=VALUE", 2);
            env[pair[..equals]] = pair[(equals + 1)..];
        }
        return env;
    }

    /// <summary>"8080:80", "80", "5353:53/udp".</summary>
    public static JsonObject Port(string value)
    {
        var (ports, protocol) = value.Split('/') switch
        {
            [var p] => (p, "tcp"),
            [var p, var proto] => (p, proto),
            _ => throw new CliException($"-p '{value}': expected HOST:CONTAINER or CONTAINER, optionally /tcp or /udp", 2),
        };
        var parts = ports.Split(':');
        if (parts.Length > 2 || !parts.All(p => int.TryParse(p, NumberStyles.None, CultureInfo.InvariantCulture, out _)))
            throw new CliException($"-p '{value}': expected HOST:CONTAINER or CONTAINER, optionally /tcp or /udp", 2);
        return parts.Length == 2
            ? new JsonObject { ["containerPort"] = int.Parse(parts[1], CultureInfo.InvariantCulture), ["hostPort"] = int.Parse(parts[0], CultureInfo.InvariantCulture), ["protocol"] = protocol }
            : new JsonObject { ["containerPort"] = int.Parse(parts[0], CultureInfo.InvariantCulture), ["hostPort"] = 0, ["protocol"] = protocol };
    }

    /// <summary>"never", "on-failure", "on-failure:5", "always:2".</summary>
    public static JsonObject Restart(string value)
    {
        var parts = value.Split(':');
        var mode = parts[0].ToLowerInvariant() switch
        {
            "never" => "Never",
            "on-failure" => "OnFailure",
            "always" => "Always",
            _ => throw new CliException($"--restart '{value}': expected never, on-failure[:N] or always[:N]", 2),
        };
        var policy = new JsonObject { ["mode"] = mode };
        if (parts.Length == 2 && int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var max))
            policy["maxRestarts"] = max;
        else if (parts.Length != 1)
            throw new CliException($"--restart '{value}': the count after ':' must be a whole number", 2);
        return policy;
    }

    /// <summary>"http::8080/healthz" or "tcp::5432".</summary>
    public static JsonObject Health(string value)
    {
        var parts = value.Split("::", 2);
        var type = parts[0].ToLowerInvariant();
        if (parts.Length != 2 || type is not ("http" or "tcp"))
            throw new CliException($"--health '{value}': expected http::PORT/PATH or tcp::PORT", 2);
        var slash = parts[1].IndexOf('/');
        var portText = slash < 0 ? parts[1] : parts[1][..slash];
        if (!int.TryParse(portText, NumberStyles.None, CultureInfo.InvariantCulture, out var port))
            throw new CliException($"--health '{value}': the port must be a number", 2);
        var check = new JsonObject { ["type"] = type, ["port"] = port };
        if (type == "http")
            check["path"] = slash < 0 ? "/" : parts[1][slash..];
        return check;
    }
}
