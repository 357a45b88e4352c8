using Microsoft.AspNetCore.Server.Kestrel.Core;

namespace Orchestrator.Api.Extensions;

/// <summary>
/// The largest request body the Api reads (<c>Api:MaxRequestBodyBytes</c>, 1 MiB by default). Kestrel stops reading
/// past it, and the Api answers 413 with ProblemDetails (<see cref="BadRequestHandler"/>), having recorded nothing. A
/// task spec, a job or a secret needs far less; the bound keeps one request from holding megabytes of memory in the
/// Api and a bus message of that size in StateStore.
/// </summary>
public static class RequestLimits
{
    public const string Setting = "Api:MaxRequestBodyBytes";

    public const long DefaultMaxRequestBodyBytes = 1024 * 1024;

    public static TBuilder AddRequestLimits<TBuilder>(this TBuilder builder) where TBuilder : IHostApplicationBuilder
    {
        var limit = builder.Configuration.GetValue(Setting, DefaultMaxRequestBodyBytes);
        if (limit <= 0)
            throw new InvalidOperationException($"{Setting} must be a positive number of bytes, not {limit}.");
        builder.Services.Configure<KestrelServerOptions>(options => options.Limits.MaxRequestBodySize = limit);
        return builder;
    }
}
