using System.Text;
using System.Text.Json.Serialization;
using MassTransit;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Orchestrator.Api.Secrets;
using Orchestrator.Contracts;
using Orchestrator.Domain.Tasks;

namespace Orchestrator.Api.Apis;

/// <summary>
/// Registry credentials: the user name and password agents pull a registry's images with, the password kept as a
/// secret's value is. It goes in and never comes out; a read-only key sees the servers only.
/// </summary>
public static class RegistriesApi
{
    public const int MaxPasswordBytes = 4 * 1024;

    public static RouteGroupBuilder MapRegistriesApi(this IEndpointRouteBuilder app)
    {
        app.MapGet("/registries", ListRegistriesAsync).WithTags("Registries").WithSummary("List the registries with stored credentials, never a password");
        var registries = app.MapGroup("/registries").WithTags("Registries");
        registries.MapPut("/{server}", SetRegistryCredentialsAsync)
            .Accepts<RegistryLogin>("application/json")
            .WithSummary("Store the credentials to pull a registry's images with")
            .WithDescription("server is host[:port] as an image names its registry (docker.io for images that name none). " +
                "Body: { \"username\": \"...\", \"password\": \"...\" }. Replaces what was stored; the password is never returned.");
        registries.MapDelete("/{server}", DeleteRegistryCredentialsAsync).WithSummary("Forget a registry's credentials");
        return registries;
    }

    /// <summary>The body of <c>PUT /api/registries/{server}</c>.</summary>
    [JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Disallow)]
    public sealed record RegistryLogin
    {
        public string? Username { get; init; }

        public string? Password { get; init; }

        /// <summary>Never the password, should a record ever be logged.</summary>
        public override string ToString() => $"{nameof(RegistryLogin)} {{ Username = {Username} }}";
    }

    public static async Task<Results<Ok<RegistryDetails>, ValidationProblem, ProblemHttpResult>> SetRegistryCredentialsAsync(
        string server, HttpRequest request, SpecReader reader, SecretSealer sealer, IRequestClient<SetRegistryCredentials> client,
        CancellationToken cancellationToken)
    {
        var (body, errors) = await reader.ReadAsync<RegistryLogin>(request, body => Validate(server, body), cancellationToken);
        if (body is null)
            return TypedResults.ValidationProblem(errors, title: "The registry credentials are not valid.");
        server = server.ToLowerInvariant();
        var username = body.Username!;
        var stored = await sealer.StoreAsync<SetRegistryCredentials, RegistryDetails>(
            client, Encoding.UTF8.GetBytes(body.Password!), SecretPurposes.RegistryIntake(server),
            (key, password) => new SetRegistryCredentials(server, username, key, password), cancellationToken);
        if (stored.Details is { } saved)
            return TypedResults.Ok(saved);
        return stored.Unavailable is { } unavailable
            ? SecretsApi.Unavailable(unavailable)
            : TypedResults.Problem(statusCode: StatusCodes.Status503ServiceUnavailable, title: "The credentials were not stored.", detail: stored.Refused);
    }

    public static async Task<Ok<IReadOnlyList<RegistryDetails>>> ListRegistriesAsync(
        HttpContext http, IRequestClient<ListRegistries> client, CancellationToken cancellationToken)
    {
        var response = await client.GetResponse<RegistryList>(new ListRegistries(), cancellationToken);
        return TypedResults.Ok<IReadOnlyList<RegistryDetails>>(response.Message.Registries
            .Select(r => SecretsApi.SeesAll(http) ? r : new RegistryDetails(r.Server, null, null, null))
            .ToList());
    }

    public static async Task<Results<Ok<RegistryDetails>, NotFound<ProblemDetails>>> DeleteRegistryCredentialsAsync(
        string server, IRequestClient<DeleteRegistryCredentials> client, CancellationToken cancellationToken)
    {
        server = server.ToLowerInvariant();
        var response = await client.GetResponse<RegistryDetails, RegistryNotFound>(new DeleteRegistryCredentials(server), cancellationToken);
        if (response.Is(out Response<RegistryDetails>? removed))
            return TypedResults.Ok(removed.Message);
        return TypedResults.NotFound(new ProblemDetails
        {
            Status = StatusCodes.Status404NotFound,
            Title = "No such registry.",
            Detail = $"No credentials are stored for registry {server}.",
        });
    }

    private static IReadOnlyDictionary<string, string[]> Validate(string server, RegistryLogin body)
    {
        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        if (!ImageReference.IsRegistryServer(server))
            errors["server"] = [ImageReference.ServerRule];
        // Basic authentication joins the two with ':', so a user name cannot hold one.
        if (string.IsNullOrEmpty(body.Username) || body.Username.Length > 255 || body.Username.Contains(':') || body.Username.Any(char.IsControl))
            errors["username"] = ["A user name is 1 to 255 characters, without ':' or control characters."];
        if (string.IsNullOrEmpty(body.Password) || Encoding.UTF8.GetByteCount(body.Password) > MaxPasswordBytes)
            errors["password"] = [$"A password is required, at most {MaxPasswordBytes / 1024} KiB."];
        return errors;
    }
}
