using System.ComponentModel;
using Orchestrator.Cli.Client;
using Orchestrator.Cli.Rendering;
using Spectre.Console;
using Spectre.Console.Cli;

namespace Orchestrator.Cli.Commands;

public sealed class AuditSettings : ApiSettings
{
    [CommandOption("--key <NAME>")]
    [Description("Only the changes of the API key with this name")]
    public string? Key { get; init; }

    [CommandOption("--kind <KIND>")]
    [Description("Only changes of this kind, e.g. CancelTask, ApplyJob, DrainNode")]
    public string? Kind { get; init; }

    [CommandOption("--since <TIME>")]
    [Description("Only changes at or after this time (ISO 8601, e.g. 2026-12-06T08:00:00Z)")]
    public DateTimeOffset? Since { get; init; }

    [CommandOption("--limit <N>")]
    [Description("At most N changes, newest first (default 50)")]
    [DefaultValue(50)]
    public int Limit { get; init; } = 50;
}

/// <summary>orchestrator audit: who changed what, newest first.</summary>
public sealed class AuditCommand(IAnsiConsole console) : AsyncCommand<AuditSettings>
{
    public override async Task<int> ExecuteAsync(CommandContext context, AuditSettings settings, CancellationToken cancellationToken)
    {
        var entries = await settings.CreateClient().AuditAsync(settings.Key, settings.Kind, settings.Since, settings.Limit, cancellationToken);
        if (settings.Json)
            Output.WriteJson(console, entries);
        else
            console.Write(Output.AuditTable(entries));
        return 0;
    }
}
