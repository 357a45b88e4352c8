using System.ComponentModel;
using Orchestrator.Cli.Rendering;
using Orchestrator.Domain.Services;
using Spectre.Console;
using Spectre.Console.Cli;

namespace Orchestrator.Cli.Commands;

public sealed class ServicesSettings : ApiSettings
{
    [CommandArgument(0, "[SERVICE]")]
    [Description("A service's name: list its instances instead of every service")]
    public string? Service { get; init; }

    [CommandOption("--all")]
    [Description("With SERVICE: the failing instances too (not Running, being stopped, unhealthy, or without an address yet)")]
    public bool All { get; init; }

    public override ValidationResult Validate()
    {
        if (Service is not null && !ServiceSpecValidator.IsDnsLabel(Service))
            return ValidationResult.Error($"'{Service}' is not a service name: a DNS label of lowercase letters, digits and '-'.");
        if (All && Service is null)
            return ValidationResult.Error("--all lists a service's failing instances: name the service.");
        return base.Validate();
    }
}

/// <summary>orchestrator services [SERVICE]: the catalog, every service counted, or one service's instances.</summary>
public sealed class ServicesCommand(IAnsiConsole console) : AsyncCommand<ServicesSettings>
{
    public override async Task<int> ExecuteAsync(CommandContext context, ServicesSettings settings, CancellationToken cancellationToken)
    {
        var client = settings.CreateClient();
        if (settings.Service is not { } name)
        {
            var services = await client.ListServicesAsync(cancellationToken);
            if (settings.Json)
                Output.WriteJson(console, services);
            else
                console.Write(Output.ServiceTable(services));
            return 0;
        }
        var instances = await client.ServiceInstancesAsync(name, settings.All, cancellationToken);
        if (settings.Json)
            Output.WriteJson(console, instances);
        else if (instances.Count == 0)
            console.MarkupLineInterpolated($"[grey]No {(settings.All ? "" : "passing ")}instance of {name}.[/]");
        else
            console.Write(Output.ServiceInstanceTable(instances));
        return 0;
    }
}
