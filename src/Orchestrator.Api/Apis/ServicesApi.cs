using System.Globalization;
using System.Text.RegularExpressions;
using MassTransit;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Http.Timeouts;
using Orchestrator.Contracts;
using Orchestrator.Domain.Services;
using Orchestrator.Api.Extensions;
using Orchestrator.StateStore.Persistence;
using Orchestrator.StateStore.Persistence.Queries;

namespace Orchestrator.Api.Apis;

/// <summary>
/// The service catalog: which instances of which service pass, and where they are. Each read can block until the
/// catalog changes, as Consul's and Nomad's do: <c>?index=N&amp;wait=30s</c> answers once the catalog's index is no
/// longer N (or when the wait is over), and every answer carries the index in <see cref="IndexHeader"/>.
/// </summary>
public static partial class ServicesApi
{
    public const string IndexHeader = "X-Orchestrator-Index";
    public static readonly TimeSpan DefaultWait = TimeSpan.FromSeconds(60);
    public static readonly TimeSpan MaxWait = TimeSpan.FromMinutes(5);

    private const string BlockingDescription =
        "With index (the X-Orchestrator-Index of an earlier answer), waits until the catalog changes from that index, at most wait " +
        "(e.g. 30s, 500ms, 2m; default 60s, at most 5m), then answers as without it. The index is opaque: pass back the one you were given.";

    public static IEndpointRouteBuilder MapServicesApi(this IEndpointRouteBuilder app)
    {
        // Blocking queries outlast the Api's deadline for a request; each request to StateStore inside has its own timeout.
        app.MapGet("/services", ListServicesAsync)
            .WithTags("Services")
            .WithSummary("List services with their counts of passing and failing instances")
            .WithDescription(BlockingDescription)
            .DisableRequestTimeout();
        app.MapGet("/services/{name}", GetServiceAsync)
            .WithTags("Services")
            .WithSummary("A service's passing instances")
            .WithDescription("all=true adds the failing ones (not Running, being stopped, unhealthy, or without an address yet). A name no task offers answers an empty list. " + BlockingDescription)
            .DisableRequestTimeout();
        app.MapGet("/catalog", GetCatalogAsync)
            .WithTags("Services")
            .WithSummary("Every instance of every service, passing or not, with the catalog's index")
            .WithDescription("What a gateway or a proxy follows. " + BlockingDescription)
            .DisableRequestTimeout();
        return app;
    }

    public static async Task<Results<Ok<IReadOnlyList<ServiceSummary>>, ValidationProblem>> ListServicesAsync(
        long? index, string? wait, HttpResponse http, CatalogServices services, CancellationToken cancellationToken)
    {
        if (await services.ReadAsync(index, wait, http, cancellationToken) is not { } catalog)
            return InvalidWait();
        IReadOnlyList<ServiceSummary> summaries = catalog.Instances
            .GroupBy(i => i.Service, StringComparer.Ordinal)
            .Select(service => new ServiceSummary(
                service.Key,
                service.Count(i => i.Passing),
                service.Count(i => !i.Passing),
                service.SelectMany(i => i.Tags).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList(),
                service.Where(i => i.RouteHost is not null).Select(i => $"{i.RouteHost}{i.RoutePathPrefix}")
                    .Distinct(StringComparer.OrdinalIgnoreCase).Order(StringComparer.Ordinal).ToList()))
            .OrderBy(s => s.Name, StringComparer.Ordinal)
            .ToList();
        return TypedResults.Ok(summaries);
    }

    public static async Task<Results<Ok<IReadOnlyList<ServiceInstance>>, ValidationProblem>> GetServiceAsync(
        string name, bool? all, long? index, string? wait, HttpResponse http, CatalogServices services, CancellationToken cancellationToken)
    {
        if (!ServiceSpecValidator.IsDnsLabel(name))
            return TypedResults.ValidationProblem(
                new Dictionary<string, string[]> { ["name"] = ["A service name is a DNS label: lowercase letters, digits and '-'."] },
                title: "The query is not valid.");
        if (await services.ReadAsync(index, wait, http, cancellationToken) is not { } catalog)
            return InvalidWait();
        IReadOnlyList<ServiceInstance> instances = catalog.Instances
            .Where(i => i.Service == name && (all == true || i.Passing))
            .ToList();
        return TypedResults.Ok(instances);
    }

    public static async Task<Results<Ok<ServiceCatalog>, ValidationProblem>> GetCatalogAsync(
        long? index, string? wait, HttpResponse http, CatalogServices services, CancellationToken cancellationToken) =>
        await services.ReadAsync(index, wait, http, cancellationToken) is { } catalog ? TypedResults.Ok(catalog) : InvalidWait();

    private static ValidationProblem InvalidWait() =>
        TypedResults.ValidationProblem(
            new Dictionary<string, string[]> { ["wait"] = [$"wait is a duration such as 30s, 500ms or 2m, at most {MaxWait.TotalMinutes:0}m."] },
            title: "The query is not valid.");

    /// <summary>"30s", "500ms", "2m", or a number of seconds; null when it is none of these or above <see cref="MaxWait"/>.</summary>
    public static TimeSpan? ParseWait(string? wait)
    {
        if (wait is null)
            return DefaultWait;
        var match = WaitPattern().Match(wait);
        if (!match.Success || !long.TryParse(match.Groups["value"].Value, NumberStyles.None, CultureInfo.InvariantCulture, out var value))
            return null;
        var duration = match.Groups["unit"].Value switch
        {
            "ms" => TimeSpan.FromMilliseconds(Math.Min(value, (long)MaxWait.TotalMilliseconds + 1)),
            "m" => TimeSpan.FromMinutes(Math.Min(value, (long)MaxWait.TotalMinutes + 1)),
            _ => TimeSpan.FromSeconds(Math.Min(value, (long)MaxWait.TotalSeconds + 1)),
        };
        return duration <= MaxWait ? duration : null;
    }

    [GeneratedRegex(@"^(?<value>[0-9]{1,9})(?<unit>ms|s|m)?$")]
    private static partial Regex WaitPattern();
}

/// <summary>What the catalog endpoints need: the watch their blocking waits on, and the read itself.</summary>
public sealed class CatalogServices(CatalogWatch watch, [FromKeyedServices(StoreReads.Key)] OrchestratorDbContext store)
{
    /// <summary>The catalog, after waiting for a change from <paramref name="index"/> when one is given; null when <paramref name="wait"/> is not valid.</summary>
    public async Task<ServiceCatalog?> ReadAsync(long? index, string? wait, HttpResponse http, CancellationToken cancellationToken)
    {
        if (ServicesApi.ParseWait(wait) is not { } duration)
            return null;
        if (index is { } known && duration > TimeSpan.Zero)
            await watch.WaitForChangeAsync(known, duration, cancellationToken);
        var catalog = await ServiceCatalogQueries.ReadAsync(store, cancellationToken);
        http.Headers[ServicesApi.IndexHeader] = catalog.Index.ToString(CultureInfo.InvariantCulture);
        return catalog;
    }
}
