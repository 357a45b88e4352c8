using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;

namespace Orchestrator.Api.Security;

public static class ApiSecurityExtensions
{
    /// <summary>API keys from the <c>Api</c> section, checked when the host starts.</summary>
    public static TBuilder AddApiKeyAuthentication<TBuilder>(this TBuilder builder) where TBuilder : IHostApplicationBuilder
    {
        builder.Services.AddOptions<ApiKeyOptions>().BindConfiguration(ApiKeyOptions.Section)
            .ValidateSettingsOnStart(ApiKeyOptions.Section);
        builder.Services.AddSingleton<IValidateOptions<ApiKeyOptions>, ApiKeyOptionsValidator>();
        builder.Services.AddSingleton<ApiKeyRing>();
        builder.Services.AddAuthentication(ApiKeyAuthenticationHandler.SchemeName)
            .AddScheme<AuthenticationSchemeOptions, ApiKeyAuthenticationHandler>(ApiKeyAuthenticationHandler.SchemeName, null);
        builder.Services.AddAuthorization();
        return builder;
    }

    /// <summary>
    /// Every endpoint of <paramref name="api"/> needs a key, and one that changes anything needs a key that may write
    /// (<see cref="WriteAccess"/>), unless the operator made the Api open; then this says so in the log once, at start-up.
    /// </summary>
    public static RouteGroupBuilder RequireApiKey(this RouteGroupBuilder api)
    {
        var services = ((IEndpointRouteBuilder)api).ServiceProvider;
        if (!services.GetRequiredService<IOptions<ApiKeyOptions>>().Value.AllowAnonymous)
            return api.RequireAuthorization(policy => policy.RequireAuthenticatedUser().AddRequirements(new WriteAccess()));
        services.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(ApiSecurityExtensions))
            .LogWarning("The Api is open: Api:AllowAnonymous is set, so anyone who can reach it can run containers on every node");
        return api;
    }

    private sealed class ApiKeyOptionsValidator : IValidateOptions<ApiKeyOptions>
    {
        public ValidateOptionsResult Validate(string? name, ApiKeyOptions options)
        {
            var problems = options.Problems().ToList();
            return problems.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(problems);
        }
    }
}
