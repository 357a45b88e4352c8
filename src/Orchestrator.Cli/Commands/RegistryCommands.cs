using System.ComponentModel;
using Orchestrator.Cli.Client;
using Orchestrator.Cli.Rendering;
using Spectre.Console;
using Spectre.Console.Cli;

namespace Orchestrator.Cli.Commands;

public sealed class RegistrySettings : ApiSettings
{
    [CommandArgument(0, "<SERVER>")]
    [Description("The registry as an image names it: host[:port] (docker.io for images that name none)")]
    public string Server { get; init; } = "";
}

public sealed class RegistryLoginSettings : ApiSettings
{
    [CommandArgument(0, "<SERVER>")]
    [Description("The registry as an image names it: host[:port] (docker.io for images that name none)")]
    public string Server { get; init; } = "";

    [CommandOption("-u|--username <USER>")]
    [Description("The user name to pull with")]
    public string Username { get; init; } = "";

    [CommandOption("--password-stdin")]
    [Description("Read the password from standard input (its trailing newline dropped). Without it, it is asked for, unechoed, at a terminal. Never from an argument, where the shell's history and ps would show it")]
    public bool PasswordStdin { get; init; }

    public override ValidationResult Validate() =>
        string.IsNullOrEmpty(Username) ? ValidationResult.Error("--username is required") : base.Validate();
}

/// <summary>orchestrator registry login SERVER --username U: stores the credentials agents pull the registry's images with.</summary>
public sealed class RegistryLoginCommand(IAnsiConsole console) : AsyncCommand<RegistryLoginSettings>
{
    public override async Task<int> ExecuteAsync(CommandContext context, RegistryLoginSettings settings, CancellationToken cancellationToken)
    {
        var password = await ReadPasswordAsync(settings, cancellationToken);
        var registry = await settings.CreateClient().SetRegistryAsync(settings.Server, settings.Username, password, cancellationToken);
        if (settings.Json)
            Output.WriteJson(console, registry);
        else
            console.MarkupLineInterpolated($"stored credentials for registry {registry.Server} (user {registry.Username})");
        return 0;
    }

    private async Task<string> ReadPasswordAsync(RegistryLoginSettings settings, CancellationToken cancellationToken)
    {
        if (settings.PasswordStdin)
        {
            var password = (await Console.In.ReadToEndAsync(cancellationToken)).TrimEnd('\r', '\n');
            return password.Length > 0
                ? password
                : throw new CliException("no password on standard input; pipe it in (printf %s \"$PASSWORD\" | orchestrator registry login SERVER -u USER --password-stdin)");
        }
        if (!Console.IsInputRedirected && console.Profile.Capabilities.Interactive)
            return await console.PromptAsync(new TextPrompt<string>("Password:").Secret(), cancellationToken);
        throw new CliException("no terminal to ask for the password at; give it on standard input with --password-stdin");
    }
}

/// <summary>orchestrator registry ls: the registries with stored credentials, never a password.</summary>
public sealed class RegistryListCommand(IAnsiConsole console) : AsyncCommand<ApiSettings>
{
    public override async Task<int> ExecuteAsync(CommandContext context, ApiSettings settings, CancellationToken cancellationToken)
    {
        var registries = await settings.CreateClient().ListRegistriesAsync(cancellationToken);
        if (settings.Json)
            Output.WriteJson(console, registries);
        else
            console.Write(Output.RegistryTable(registries));
        return 0;
    }
}

/// <summary>orchestrator registry rm SERVER: forgets a registry's credentials; later pulls from it are anonymous.</summary>
public sealed class RegistryRemoveCommand(IAnsiConsole console) : AsyncCommand<RegistrySettings>
{
    public override async Task<int> ExecuteAsync(CommandContext context, RegistrySettings settings, CancellationToken cancellationToken)
    {
        await settings.CreateClient().DeleteRegistryAsync(settings.Server, cancellationToken);
        console.MarkupLineInterpolated($"removed the credentials for registry {settings.Server}");
        return 0;
    }
}
