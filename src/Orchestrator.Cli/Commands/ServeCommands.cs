using System.ComponentModel;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;
using Orchestrator.Api.Extensions;
using Orchestrator.Api.Security;
using Orchestrator.Cli.Client;
using Orchestrator.Scheduler.Extensions;
using Orchestrator.StateStore.Extensions;
using Orchestrator.WorkerAgent.Extensions;
using Orchestrator.WorkerAgent.Host;
using Spectre.Console.Cli;

namespace Orchestrator.Cli.Commands;

public sealed class ManagerSettings : CommandSettings
{
    [CommandOption("--postgres <CONNECTION>")]
    [Description("Npgsql connection string of the state database, e.g. \"Host=db;Database=orchestrator;Username=u;Password=p\"")]
    public string? Postgres { get; init; }

    [CommandOption("--rabbitmq <URI>")]
    [Description("The broker, e.g. amqp://user:password@broker:5672")]
    public string? RabbitMq { get; init; }

    [CommandOption("-H|--host <HOST>")]
    [Description("The address the Api listens on")]
    [DefaultValue("localhost")]
    public string Host { get; init; } = "localhost";

    [CommandOption("-p|--port <PORT>")]
    [DefaultValue(5555)]
    public int Port { get; init; } = 5555;

    [CommandOption("--api-key <KEY>")]
    [Description("The key callers must send (the CLI sends $ORCHESTRATOR_API_KEY). Default: $ORCHESTRATOR_API_KEY")]
    public string? ApiKey { get; init; }

    [CommandOption("--allow-anonymous")]
    [Description("Serve the Api without a key: only where no one else can reach it")]
    public bool AllowAnonymous { get; init; }

    public string? EffectiveApiKey => ApiKey ?? Environment.GetEnvironmentVariable(ApiSettings.ApiKeyVariable);

    [CommandOption("--algorithm <NAME>")]
    [Description("Spread, RoundRobin, Epvm or BinPack")]
    [DefaultValue("Spread")]
    public string Algorithm { get; init; } = "Spread";

    public override Spectre.Console.ValidationResult Validate() =>
        string.IsNullOrWhiteSpace(Postgres) || string.IsNullOrWhiteSpace(RabbitMq)
            ? Spectre.Console.ValidationResult.Error("manager needs --postgres and --rabbitmq")
            : string.IsNullOrWhiteSpace(EffectiveApiKey) && !AllowAnonymous
                ? Spectre.Console.ValidationResult.Error("manager needs --api-key (or ORCHESTRATOR_API_KEY), or --allow-anonymous")
            : Domain.Scheduling.PlacementAlgorithms.Names.Contains(Algorithm, StringComparer.OrdinalIgnoreCase)
                ? Spectre.Console.ValidationResult.Success()
                : Spectre.Console.ValidationResult.Error($"--algorithm must be one of {string.Join(", ", Domain.Scheduling.PlacementAlgorithms.Names)}");
}

/// <summary>
/// orchestrator manager: the control plane (Api, StateStore and Scheduler) in one process, in the foreground,
/// built from the same registration extensions as the separate services.
/// </summary>
public sealed class ManagerCommand : AsyncCommand<ManagerSettings>
{
    public override async Task<int> ExecuteAsync(CommandContext context, ManagerSettings settings, CancellationToken cancellationToken)
    {
        var builder = WebApplication.CreateBuilder();
        var configuration = new Dictionary<string, string?>
        {
            [$"ConnectionStrings:{StateStoreExtensions.DatabaseConnectionName}"] = settings.Postgres,
            [$"ConnectionStrings:{MessagingExtensions.ConnectionName}"] = settings.RabbitMq,
            ["Scheduler:Algorithm"] = settings.Algorithm,
            ["Api:AllowAnonymous"] = settings.AllowAnonymous ? "true" : "false",
        };
        // Only a key that was given: an empty entry would be a key, and too short a one.
        if (settings.EffectiveApiKey is { Length: > 0 } key)
            configuration["Api:Keys:manager"] = key;
        builder.Configuration.AddInMemoryCollection(configuration);
        builder.WebHost.UseUrls($"http://{settings.Host}:{settings.Port}");
        builder.AddServiceDefaults();
        builder.AddStateStore();
        builder.AddScheduler();
        builder.AddApiServices();
        builder.AddOrchestratorBus(bus =>
        {
            bus.AddStateStoreConsumers();
            bus.AddSchedulerConsumers();
            bus.AddApiRequestClients();
        }, (context, rabbit) => rabbit.ConfigureApiBus(context));
        var app = builder.Build();
        try
        {
            app.MapOrchestratorApi();
        }
        catch (Microsoft.Extensions.Options.OptionsValidationException error)
        {
            // e.g. a key too short to be one
            throw new CliException(error.Message, CliApp.UsageError);
        }
        await ServeAsync(app, cancellationToken);
        return 0;
    }

    internal static async Task ServeAsync(IHost host, CancellationToken cancellationToken)
    {
        try
        {
            await host.RunAsync(cancellationToken);
        }
        catch (Exception error) when (error is Npgsql.NpgsqlException or RabbitMQ.Client.Exceptions.BrokerUnreachableException or IOException
            or Microsoft.Extensions.Options.OptionsValidationException)
        {
            throw new CliException($"could not start: {error.Message}");
        }
    }
}

public sealed class WorkerSettings : CommandSettings
{
    [CommandOption("--rabbitmq <URI>")]
    [Description("The broker, e.g. amqp://user:password@broker:5672")]
    public string? RabbitMq { get; init; }

    [CommandOption("-n|--name <NAME>")]
    [Description("The node's name. Default: the host name")]
    public string? Name { get; init; }

    [CommandOption("--node-id <ID>")]
    [Description("The node's id, when it was assigned with its broker user (deploy/rabbitmq/add-agent-user.sh). Default: kept under --data-path, made up on the first start")]
    public Guid? NodeId { get; init; }

    [CommandOption("--datacenter <NAME>")]
    [Description("The datacenter the node is in; a task that lists datacenters is placed only in them. Default: dc1")]
    public string? Datacenter { get; init; }

    [CommandOption("--label <KEY=VALUE>")]
    [Description("A node label that tasks can require. Repeatable")]
    public string[] Labels { get; init; } = [];

    [CommandOption("--host-volume <NAME=PATH>")]
    [Description("A host path offered to tasks as host volume NAME; NAME=PATH:ro offers it read-only. Repeatable")]
    public string[] HostVolumes { get; init; } = [];

    [CommandOption("--data-path <PATH>")]
    [Description("Where the node id is kept")]
    [DefaultValue("/var/lib/orchestrator-agent")]
    public string DataPath { get; init; } = "/var/lib/orchestrator-agent";

    [CommandOption("--task-files-path <PATH>")]
    [Description("Where tasks' files and secrets are written; it must be on tmpfs")]
    [DefaultValue("/run/orchestrator-agent/tasks")]
    public string TaskFilesPath { get; init; } = "/run/orchestrator-agent/tasks";

    [CommandOption("--reserve-cpu <CORES>")]
    public decimal? ReserveCpu { get; init; }

    [CommandOption("--reserve-memory <MIB>")]
    public long? ReserveMemory { get; init; }

    [CommandOption("--reserve-disk <MIB>")]
    public long? ReserveDisk { get; init; }

    public override Spectre.Console.ValidationResult Validate() =>
        string.IsNullOrWhiteSpace(RabbitMq) ? Spectre.Console.ValidationResult.Error("worker needs --rabbitmq")
        : !Labels.All(l => l.IndexOf('=') > 0) ? Spectre.Console.ValidationResult.Error("--label takes KEY=VALUE")
        : HostVolumes.FirstOrDefault(v => HostVolumeFlag.TryParse(v) is null) is { } bad
            ? Spectre.Console.ValidationResult.Error($"--host-volume takes NAME=/absolute/path or NAME=/absolute/path:ro, not '{bad}'")
        : Spectre.Console.ValidationResult.Success();
}

/// <summary>A <c>--host-volume NAME=PATH[:ro]</c> flag: the agent's <c>Agent:HostVolumes:NAME</c>.</summary>
public sealed record HostVolumeFlag(string Name, string Path, bool ReadOnly)
{
    public static HostVolumeFlag? TryParse(string flag)
    {
        var equals = flag.IndexOf('=');
        if (equals <= 0)
            return null;
        var path = flag[(equals + 1)..];
        var readOnly = path.EndsWith(":ro", StringComparison.Ordinal);
        if (readOnly)
            path = path[..^":ro".Length];
        return System.IO.Path.IsPathFullyQualified(path) ? new HostVolumeFlag(flag[..equals], path, readOnly) : null;
    }
}

/// <summary>orchestrator worker: a worker agent for this host's Docker engine, in the foreground.</summary>
public sealed class WorkerCommand : AsyncCommand<WorkerSettings>
{
    public override async Task<int> ExecuteAsync(CommandContext context, WorkerSettings settings, CancellationToken cancellationToken)
    {
        var configuration = new Dictionary<string, string?>
        {
            [$"ConnectionStrings:{MessagingExtensions.ConnectionName}"] = settings.RabbitMq,
            ["Agent:NodeName"] = settings.Name,
            ["Agent:NodeId"] = settings.NodeId?.ToString(),
            ["Agent:DataPath"] = settings.DataPath,
            ["Agent:TaskFilesPath"] = settings.TaskFilesPath,
            ["Agent:Reserved:Cpu"] = settings.ReserveCpu?.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Agent:Reserved:MemoryMb"] = settings.ReserveMemory?.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Agent:Reserved:DiskMb"] = settings.ReserveDisk?.ToString(System.Globalization.CultureInfo.InvariantCulture),
        };
        // Set only when given, so that the agent's own default stands otherwise.
        if (settings.Datacenter is not null)
            configuration["Agent:Datacenter"] = settings.Datacenter;
        foreach (var label in settings.Labels)
            configuration[$"Agent:Labels:{label[..label.IndexOf('=')]}"] = label[(label.IndexOf('=') + 1)..];
        foreach (var volume in settings.HostVolumes.Select(flag => HostVolumeFlag.TryParse(flag)!))
        {
            configuration[$"Agent:HostVolumes:{volume.Name}:Path"] = volume.Path;
            configuration[$"Agent:HostVolumes:{volume.Name}:ReadOnly"] = volume.ReadOnly ? "true" : "false";
        }

        var builder = Microsoft.Extensions.Hosting.Host.CreateApplicationBuilder();
        builder.Configuration.AddInMemoryCollection(configuration);
        builder.AddServiceDefaults();
        NodeIdentity node;
        try
        {
            node = builder.AddWorkerAgent();
        }
        catch (InvalidOperationException error)
        {
            throw new CliException($"could not start: {error.Message}");
        }
        builder.AddWorkerAgentBus(node);
        await ManagerCommand.ServeAsync(builder.Build(), cancellationToken);
        return 0;
    }
}
