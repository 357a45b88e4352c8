using Microsoft.AspNetCore.OpenApi;
using Microsoft.Extensions.Options;
using Microsoft.OpenApi;

namespace Orchestrator.Api.Security;

/// <summary>
/// Tells readers of the OpenAPI document (and its browsable page, which then offers a field for the key) that every
/// operation under /api needs an API key as a bearer token.
/// </summary>
internal sealed class ApiKeySecuritySchemeTransformer(IOptions<ApiKeyOptions> options) : IOpenApiDocumentTransformer
{
    public Task TransformAsync(OpenApiDocument document, OpenApiDocumentTransformerContext context, CancellationToken cancellationToken)
    {
        if (options.Value.AllowAnonymous)
            return Task.CompletedTask;
        document.Components ??= new OpenApiComponents();
        document.Components.SecuritySchemes ??= new Dictionary<string, IOpenApiSecurityScheme>();
        document.Components.SecuritySchemes[ApiKeyAuthenticationHandler.SchemeName] = new OpenApiSecurityScheme
        {
            Type = SecuritySchemeType.Http,
            Scheme = "bearer",
            Description = $"An API key from the Api's configuration (Api__Keys__<name>), as 'Authorization: Bearer <key>' " +
                $"or '{ApiKeyAuthenticationHandler.HeaderName}: <key>'. A key from Api__ReadOnlyKeys__<name> may only read: " +
                "every method but GET and HEAD gets 403 with it.",
        };
        var requirement = new OpenApiSecurityRequirement
        {
            [new OpenApiSecuritySchemeReference(ApiKeyAuthenticationHandler.SchemeName, document)] = [],
        };
        foreach (var (path, item) in document.Paths)
        {
            if (!path.StartsWith("/api/", StringComparison.Ordinal) || item.Operations is null)
                continue;
            foreach (var operation in item.Operations.Values)
                operation.Security = [requirement];
        }
        return Task.CompletedTask;
    }
}
