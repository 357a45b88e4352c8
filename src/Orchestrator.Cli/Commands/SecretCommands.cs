using System.ComponentModel;
using Orchestrator.Cli.Client;
using Orchestrator.Cli.Rendering;
using Spectre.Console;
using Spectre.Console.Cli;

namespace Orchestrator.Cli.Commands;

public sealed class SecretSettings : ApiSettings
{
    [CommandArgument(0, "<NAME>")]
    [Description("The secret's name: letters, digits, '.', '_' and '-'")]
    public string Name { get; init; } = "";
}

public sealed class SecretSetSettings : ApiSettings
{
    [CommandArgument(0, "<NAME>")]
    [Description("The secret's name: letters, digits, '.', '_' and '-'")]
    public string Name { get; init; } = "";

    [CommandOption("--from-file <PATH>")]
    [Description("Read the value from this file, byte for byte. Without it, the value is read from standard input (asked for, unechoed, at a terminal). Never from an argument, where the shell's history and ps would show it")]
    public string? FromFile { get; init; }
}

/// <summary>orchestrator secret set NAME: creates a secret or gives it a new value, which rolls out the jobs that use it.</summary>
public sealed class SecretSetCommand(IAnsiConsole console) : AsyncCommand<SecretSetSettings>
{
    public override async Task<int> ExecuteAsync(CommandContext context, SecretSetSettings settings, CancellationToken cancellationToken)
    {
        var value = await ReadValueAsync(settings, cancellationToken);
        var (secret, created) = await settings.CreateClient().SetSecretAsync(settings.Name, value, cancellationToken);
        if (settings.Json)
            Output.WriteJson(console, secret);
        else
            console.MarkupLineInterpolated($"{(created ? "created" : "updated")} secret {secret.Name}, version {secret.Version}");
        return 0;
    }

    private async Task<byte[]> ReadValueAsync(SecretSetSettings settings, CancellationToken cancellationToken)
    {
        if (settings.FromFile is { } path)
        {
            try
            {
                return await File.ReadAllBytesAsync(path, cancellationToken);
            }
            catch (Exception error) when (error is IOException or UnauthorizedAccessException)
            {
                throw new CliException($"cannot read {path}: {error.Message}");
            }
        }
        if (!Console.IsInputRedirected && console.Profile.Capabilities.Interactive)
            return System.Text.Encoding.UTF8.GetBytes(await console.PromptAsync(new TextPrompt<string>("Value:").Secret(), cancellationToken));
        using var input = new MemoryStream();
        await Console.OpenStandardInput().CopyToAsync(input, cancellationToken);
        if (input.Length == 0)
            throw new CliException("no value on standard input; pipe it in (printf %s \"$VALUE\" | orchestrator secret set NAME) or use --from-file");
        return input.ToArray();
    }
}

/// <summary>orchestrator secret ls: every secret, never a value.</summary>
public sealed class SecretListCommand(IAnsiConsole console) : AsyncCommand<ApiSettings>
{
    public override async Task<int> ExecuteAsync(CommandContext context, ApiSettings settings, CancellationToken cancellationToken)
    {
        var secrets = await settings.CreateClient().ListSecretsAsync(cancellationToken);
        if (settings.Json)
            Output.WriteJson(console, secrets);
        else
            console.Write(Output.SecretTable(secrets));
        return 0;
    }
}

/// <summary>orchestrator secret rm NAME: removes a secret that no live task and no job uses.</summary>
public sealed class SecretRemoveCommand(IAnsiConsole console) : AsyncCommand<SecretSettings>
{
    public override async Task<int> ExecuteAsync(CommandContext context, SecretSettings settings, CancellationToken cancellationToken)
    {
        await settings.CreateClient().DeleteSecretAsync(settings.Name, cancellationToken);
        console.MarkupLineInterpolated($"removed secret {settings.Name}");
        return 0;
    }
}
