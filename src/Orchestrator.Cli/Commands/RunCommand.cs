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

    /// <summary>Whether any spec flag was given, which a spec read from a file does not allow.</summary>
    public bool HasSpecFlags(IReadOnlyList<string> command) =>
        Image is not null || Cpu is not null || Memory is not null || Disk is not null || Ports.Length > 0 || Env.Length > 0
        || Restart is not null || Health is not null || command.Count > 0;
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
        return spec;
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
