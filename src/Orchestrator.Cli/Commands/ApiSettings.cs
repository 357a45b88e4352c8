using System.ComponentModel;
using Orchestrator.Cli.Client;
using Spectre.Console.Cli;

namespace Orchestrator.Cli.Commands;

/// <summary>What every command that talks to the Api shares: where it is, and how to print.</summary>
public class ApiSettings : CommandSettings
{
    public const string ApiVariable = "ORCHESTRATOR_API";
    public const string DefaultApi = "http://localhost:5555";
    public const string ApiKeyVariable = "ORCHESTRATOR_API_KEY";

    [CommandOption("--api <URL>")]
    [Description("The Api's address. Default: $ORCHESTRATOR_API, else http://localhost:5555")]
    public string? Api { get; init; }

    [CommandOption("--api-key <KEY>")]
    [Description("The key the Api was given (Api__Keys__<name>). Default: $ORCHESTRATOR_API_KEY")]
    public string? ApiKey { get; init; }

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
        var http = new HttpClient { BaseAddress = uri, Timeout = Timeout.InfiniteTimeSpan };
        if ((ApiKey ?? Environment.GetEnvironmentVariable(ApiKeyVariable)) is { Length: > 0 } key)
            http.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", key.Trim());
        return new OrchestratorClient(http, retrying: Console.Error.WriteLine);
    }

    public override Spectre.Console.ValidationResult Validate() =>
        Output.ToLowerInvariant() is "table" or "json"
            ? Spectre.Console.ValidationResult.Success()
            : Spectre.Console.ValidationResult.Error("--output must be table or json");
}
