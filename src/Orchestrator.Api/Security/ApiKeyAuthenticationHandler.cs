using System.Diagnostics;
using System.Security.Claims;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;

namespace Orchestrator.Api.Security;

/// <summary>
/// An API key, sent as <c>Authorization: Bearer &lt;key&gt;</c> (what curl, the CLI and the OpenAPI page send) or as
/// <c>X-Api-Key: &lt;key&gt;</c>. The caller's identity is the key's name. A missing or wrong key is a 401
/// ProblemDetails that says how to send one, and a read-only key asking for a change is a 403 ProblemDetails that
/// says so (<see cref="WriteAccess"/>); either way the request changes nothing.
/// </summary>
public sealed class ApiKeyAuthenticationHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options,
    ApiKeyRing keys,
    IProblemDetailsService problems,
    ILoggerFactory logger,
    UrlEncoder encoder) : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    public const string SchemeName = "ApiKey";
    public const string HeaderName = "X-Api-Key";

    protected override Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        if (PresentedKey() is not { } presented)
            return Task.FromResult(AuthenticateResult.NoResult());
        if (keys.CallerOf(presented) is not { } caller)
            return Task.FromResult(AuthenticateResult.Fail("The API key is not valid."));
        // Who made the request, in its trace: OpenTelemetry's name for the caller's identity.
        Activity.Current?.SetTag("enduser.id", caller.Name);
        List<Claim> claims = [new(ClaimTypes.Name, caller.Name)];
        if (caller.CanWrite)
            claims.Add(new Claim(ClaimTypes.Role, WriteAccess.WriterRole));
        var identity = new ClaimsIdentity(claims, SchemeName);
        return Task.FromResult(AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(identity), SchemeName)));
    }

    protected override async Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        Response.StatusCode = StatusCodes.Status401Unauthorized;
        Response.Headers.WWWAuthenticate = "Bearer";
        var presented = PresentedKey() is not null;
        await problems.WriteAsync(new ProblemDetailsContext
        {
            HttpContext = Context,
            ProblemDetails =
            {
                Status = StatusCodes.Status401Unauthorized,
                Title = presented ? "The API key is not valid." : "An API key is required.",
                Detail = $"Send it as 'Authorization: Bearer <key>' or '{HeaderName}: <key>'. Nothing was changed by this request.",
            },
        });
    }

    protected override async Task HandleForbiddenAsync(AuthenticationProperties properties)
    {
        Response.StatusCode = StatusCodes.Status403Forbidden;
        await problems.WriteAsync(new ProblemDetailsContext
        {
            HttpContext = Context,
            ProblemDetails =
            {
                Status = StatusCodes.Status403Forbidden,
                Title = "This API key may only read.",
                Detail = $"The key '{Context.User.Identity?.Name}' is one of Api:ReadOnlyKeys; starting, stopping and draining " +
                    "take a key from Api:Keys. Nothing was changed by this request.",
            },
        });
    }

    private string? PresentedKey()
    {
        if (Request.Headers.TryGetValue(HeaderName, out var header) && !string.IsNullOrWhiteSpace(header))
            return header.ToString().Trim();
        var authorization = Request.Headers.Authorization.ToString();
        const string bearer = "Bearer ";
        return authorization.StartsWith(bearer, StringComparison.OrdinalIgnoreCase) && authorization.Length > bearer.Length
            ? authorization[bearer.Length..].Trim()
            : null;
    }
}
