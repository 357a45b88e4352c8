using System.ComponentModel;
using Orchestrator.Cli.Client;
using Spectre.Console.Cli;

namespace Orchestrator.Cli.Commands;

/// <summary>What every command that talks to the Api shares: where it is, and how to print.</summary>
public class ApiSettings : CommandSettings
{
    public const string ApiVariable = "ORCHESTRATOR_API";
    public const string DefaultApi = "http://localhost:5555";

    [CommandOption("--api <URL>")]
    [Description("The Api's address. Default: $ORCHESTRATOR_API, else http://localhost:5555")]
    public string? Api { get; init; }

    [CommandOption("-o|--output <FORMAT>")]
    [Description("table (the default) or json")]
    [DefaultValue("table")]
    public string Output { get; init; } = "table";

    public bool Json => Output.Equals("json", StringComparison.OrdinalIgnoreCase);

    public OrchestratorClient CreateClient()
    {
        var address = Api ?? Environment.GetEnvironmentVariable(ApiVariable) ?? DefaultApi;
        if (!Uri.TryCreate(address.EndsWith('/') ? address : address + "/", UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https"))
            throw new CliException($"'{address}' is not an http(s) address for the Api", 2);
        return new OrchestratorClient(new HttpClient { BaseAddress = uri, Timeout = Timeout.InfiniteTimeSpan });
    }

    public override Spectre.Console.ValidationResult Validate() =>
        Output.ToLowerInvariant() is "table" or "json"
            ? Spectre.Console.ValidationResult.Success()
            : Spectre.Console.ValidationResult.Error("--output must be table or json");
}
