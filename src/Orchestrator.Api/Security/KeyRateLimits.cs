using System.ComponentModel.DataAnnotations;
using System.Globalization;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.Options;

namespace Orchestrator.Api.Security;

/// <summary>
/// How fast each API key may call the Api: a token bucket per key (per client address on an open Api), refilled at
/// <see cref="RateLimitOptions.RequestsPerSecond"/> and holding <see cref="RateLimitOptions.Burst"/>. A request
/// past it is refused at once with 429, a <c>Retry-After</c> header and ProblemDetails naming the key, and changes
/// nothing: one runaway script cannot take the Api, or StateStore behind it, from every other caller.
/// </summary>
public static class KeyRateLimits
{
    public const string Policy = "per-key";

    public static TBuilder AddKeyRateLimits<TBuilder>(this TBuilder builder) where TBuilder : IHostApplicationBuilder
    {
        builder.Services.AddOptions<RateLimitOptions>().BindConfiguration(RateLimitOptions.Section)
            .ValidateSettingsOnStart(RateLimitOptions.Section);
        builder.Services.AddRateLimiter(_ => { });
        builder.Services.AddOptions<RateLimiterOptions>().Configure<IOptions<RateLimitOptions>>((limiter, settings) =>
        {
            var limits = settings.Value;
            limiter.OnRejected = RejectAsync;
            limiter.AddPolicy(Policy, context => limits.RequestsPerSecond == 0
                ? RateLimitPartition.GetNoLimiter("unlimited")
                : RateLimitPartition.GetTokenBucketLimiter(PartitionOf(context), _ => new TokenBucketRateLimiterOptions
                {
                    TokenLimit = limits.Burst,
                    TokensPerPeriod = limits.RequestsPerSecond,
                    ReplenishmentPeriod = TimeSpan.FromSeconds(1),
                    QueueLimit = 0,
                    AutoReplenishment = true,
                }));
        });
        return builder;
    }

    /// <summary>The key's name when one was presented, else the client's address (an open Api).</summary>
    private static string PartitionOf(HttpContext context) =>
        KeyName(context) is { } name ? $"key:{name}" : $"address:{context.Connection.RemoteIpAddress}";

    private static string? KeyName(HttpContext context) =>
        context.User.Identity is { IsAuthenticated: true, Name: { } name } ? name : null;

    private static async ValueTask RejectAsync(OnRejectedContext rejected, CancellationToken cancellationToken)
    {
        var http = rejected.HttpContext;
        var limits = http.RequestServices.GetRequiredService<IOptions<RateLimitOptions>>().Value;
        var retryAfter = rejected.Lease.TryGetMetadata(MetadataName.RetryAfter, out var wait) ? wait : TimeSpan.FromSeconds(1);
        var seconds = Math.Max(1, (int)Math.Ceiling(retryAfter.TotalSeconds));
        http.Response.StatusCode = StatusCodes.Status429TooManyRequests;
        http.Response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
        var who = KeyName(http) is { } name ? $"API key '{name}'" : "this address";
        await http.RequestServices.GetRequiredService<IProblemDetailsService>().WriteAsync(new ProblemDetailsContext
        {
            HttpContext = http,
            ProblemDetails =
            {
                Status = StatusCodes.Status429TooManyRequests,
                Title = $"Too many requests from {who}.",
                Detail = $"Each key may make {limits.RequestsPerSecond} requests a second, and {limits.Burst} at once; retry after {seconds} s. Nothing was changed by this request.",
            },
        });
    }
}

/// <summary>Settings of <see cref="KeyRateLimits"/>, from <c>Api:RateLimit</c>.</summary>
public sealed class RateLimitOptions
{
    public const string Section = "Api:RateLimit";

    /// <summary>The requests a second each key may make, sustained; 0 turns the limit off.</summary>
    [Range(0, 1_000_000)]
    public int RequestsPerSecond { get; set; } = 100;

    /// <summary>How many requests a key may make at once, on top of an idle period.</summary>
    [Positive]
    public int Burst { get; set; } = 200;
}
