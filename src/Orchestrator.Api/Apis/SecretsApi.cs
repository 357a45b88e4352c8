using System.Text;
using System.Text.Json.Serialization;
using MassTransit;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Orchestrator.Api.Secrets;
using Orchestrator.Api.Security;
using Orchestrator.Contracts;
using Orchestrator.Domain.Tasks;

namespace Orchestrator.Api.Apis;

/// <summary>
/// Secrets: named values that tasks mount as files or take as variables. A value goes in and never comes out: every
/// read shows a secret's name, version, times and users, and a read-only key sees names only.
/// </summary>
public static class SecretsApi
{
    public const int MaxValueBytes = 64 * 1024;

    public static RouteGroupBuilder MapSecretsApi(this IEndpointRouteBuilder app)
    {
        app.MapGet("/secrets", ListSecretsAsync).WithTags("Secrets").WithSummary("List secrets, never their values");
        var secrets = app.MapGroup("/secrets").WithTags("Secrets");
        secrets.MapPut("/{name}", SetSecretAsync)
            .Accepts<SecretValue>("application/json")
            .WithSummary("Create a secret or give it a new value")
            .WithDescription("Body: { \"value\": \"...\" }, or { \"valueBase64\": \"...\" } for bytes; at most 64 KiB. Creates it (201) or " +
                "replaces its value (200), which rolls out every job that uses it. The value is never returned.");
        secrets.MapGet("/{name}", GetSecretAsync).WithSummary("Get a secret's name, version, times and users, never its value");
        secrets.MapDelete("/{name}", DeleteSecretAsync)
            .WithSummary("Remove a secret")
            .WithDescription("Refused (409) while a live task or a job uses it.");
        return secrets;
    }

    /// <summary>The body of <c>PUT /api/secrets/{name}</c>: the value as text, or as base64 bytes.</summary>
    [JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Disallow)]
    public sealed record SecretValue
    {
        public string? Value { get; init; }

        public string? ValueBase64 { get; init; }

        /// <summary>Never the value, should a record ever be logged.</summary>
        public override string ToString() => nameof(SecretValue);
    }

    public static async Task<Results<Created<SecretDetails>, Ok<SecretDetails>, ValidationProblem, ProblemHttpResult>> SetSecretAsync(
        string name, HttpRequest request, SpecReader reader, SecretSealer sealer, IRequestClient<SetSecret> client, CancellationToken cancellationToken)
    {
        var (body, errors) = await reader.ReadAsync<SecretValue>(request, body => Validate(name, body), cancellationToken);
        if (body is null)
            return TypedResults.ValidationProblem(errors, title: "The secret is not valid.");
        var value = body.Value is not null ? Encoding.UTF8.GetBytes(body.Value) : Convert.FromBase64String(body.ValueBase64!);
        var stored = await sealer.StoreAsync<SetSecret, SecretDetails>(
            client, value, SecretPurposes.Intake(name), (key, sealedValue) => new SetSecret(name, key, sealedValue), cancellationToken);
        if (stored.Details is { } saved)
            return saved.Version == 1 ? TypedResults.Created($"/api/secrets/{name}", saved) : TypedResults.Ok(saved);
        return stored.Unavailable is { } unavailable
            ? Unavailable(unavailable)
            : TypedResults.Problem(statusCode: StatusCodes.Status503ServiceUnavailable, title: "The secret was not stored.", detail: stored.Refused);
    }

    public static async Task<Ok<IReadOnlyList<SecretDetails>>> ListSecretsAsync(
        HttpContext http, IRequestClient<ListSecrets> client, CancellationToken cancellationToken)
    {
        var response = await client.GetResponse<SecretList>(new ListSecrets(WithUsage: SeesAll(http)), cancellationToken);
        return TypedResults.Ok<IReadOnlyList<SecretDetails>>(response.Message.Secrets.Select(s => ForCaller(http, s)).ToList());
    }

    public static async Task<Results<Ok<SecretDetails>, NotFound<ProblemDetails>>> GetSecretAsync(
        string name, HttpContext http, IRequestClient<ListSecrets> client, CancellationToken cancellationToken)
    {
        var response = await client.GetResponse<SecretList>(new ListSecrets(WithUsage: SeesAll(http)), cancellationToken);
        return response.Message.Secrets.SingleOrDefault(s => s.Name == name) is { } secret
            ? TypedResults.Ok(ForCaller(http, secret))
            : NoSuchSecret(name);
    }

    public static async Task<Results<Ok<SecretDetails>, NotFound<ProblemDetails>, Conflict<ProblemDetails>>> DeleteSecretAsync(
        string name, IRequestClient<DeleteSecret> client, CancellationToken cancellationToken)
    {
        var response = await client.GetResponse<SecretDetails, SecretNotFound, SecretInUse>(new DeleteSecret(name), cancellationToken);
        if (response.Is(out Response<SecretDetails>? removed))
            return TypedResults.Ok(removed.Message);
        if (response.Is(out Response<SecretInUse>? inUse))
            return TypedResults.Conflict(new ProblemDetails
            {
                Status = StatusCodes.Status409Conflict,
                Title = "The secret is in use.",
                Detail = inUse.Message.Reason,
            });
        return NoSuchSecret(name);
    }

    private static IReadOnlyDictionary<string, string[]> Validate(string name, SecretValue body)
    {
        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        if (!FilesAndSecretsValidator.IsSecretName(name))
            errors["name"] = [FilesAndSecretsValidator.NameRule];
        if ((body.Value is null) == (body.ValueBase64 is null))
            errors["value"] = ["Give the value as value (text) or valueBase64 (bytes), one of the two."];
        else if (body.Value is not null && Encoding.UTF8.GetByteCount(body.Value) > MaxValueBytes)
            errors["value"] = [$"A secret's value may be at most {MaxValueBytes / 1024} KiB."];
        else if (body.ValueBase64 is not null && !IsBase64Within(body.ValueBase64, MaxValueBytes))
            errors["valueBase64"] = [$"valueBase64 must be base64 of at most {MaxValueBytes / 1024} KiB."];
        return errors;
    }

    private static bool IsBase64Within(string text, int maxBytes)
    {
        var buffer = new byte[text.Length];
        return Convert.TryFromBase64String(text, buffer, out var written) && written <= maxBytes;
    }

    /// <summary>
    /// A read-only key sees which secrets exist, not when they changed or who uses them. Without keys (an Api started
    /// with anonymous access) every caller may change anything, so every caller sees everything.
    /// </summary>
    private static SecretDetails ForCaller(HttpContext http, SecretDetails secret) =>
        SeesAll(http) ? secret : new SecretDetails(secret.Name, null, null, null, null, null);

    /// <summary>A writer, or any caller of an Api started with anonymous access; a read-only key sees names only.</summary>
    internal static bool SeesAll(HttpContext http) =>
        http.User.IsInRole(WriteAccess.WriterRole) || http.User.Identity?.IsAuthenticated != true;

    internal static ProblemHttpResult Unavailable(string reason) =>
        TypedResults.Problem(statusCode: StatusCodes.Status503ServiceUnavailable, title: "This cluster keeps no secrets.", detail: reason);

    private static NotFound<ProblemDetails> NoSuchSecret(string name) => TypedResults.NotFound(new ProblemDetails
    {
        Status = StatusCodes.Status404NotFound,
        Title = "No such secret.",
        Detail = $"There is no secret named {name}.",
    });
}
