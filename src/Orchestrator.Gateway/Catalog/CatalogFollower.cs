using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.Extensions.Options;
using Orchestrator.Contracts;
using Yarp.ReverseProxy.Configuration;

namespace Orchestrator.Gateway.Catalog;

/// <summary>
/// Keeps the proxy's routes as the catalog says, without a restart: a blocking read of <c>/api/catalog</c> that the Api
/// answers as soon as the catalog changes, then the next one from the index it gave. While the Api cannot be reached the
/// last routes stay in force, so an outage of the control plane does not take the services' traffic with it.
/// </summary>
public sealed class CatalogFollower(
    InMemoryConfigProvider proxy, IOptions<GatewayOptions> options, IConfiguration configuration, GatewayTelemetry telemetry,
    ILogger<CatalogFollower> logger)
    : BackgroundService
{
    private static readonly TimeSpan RetryAfterFailure = TimeSpan.FromSeconds(1);

    /// <summary>The JSON the Api writes: ASP.NET Core's web defaults, with enums as names.</summary>
    private static readonly JsonSerializerOptions ApiJson = new(JsonSerializerDefaults.Web) { Converters = { new JsonStringEnumConverter() } };

    // Its own client, not one of IHttpClientFactory's: those carry the standard resilience handler, whose timeouts
    // would cut every long poll, and this loop retries on its own. An https:// Api must prove itself as the cluster's
    // TLS settings say (Tls:CaFile, or the machine's store).
    private readonly HttpClient _http = new(new SocketsHttpHandler
    {
        PooledConnectionLifetime = TimeSpan.FromMinutes(5),
        SslOptions = { RemoteCertificateValidationCallback = ClusterTls.ServerValidator(ClusterTls.Read(configuration)) },
    })
    {
        BaseAddress = options.Value.Api,
        Timeout = Timeout.InfiniteTimeSpan,
        DefaultRequestHeaders = { { "X-Api-Key", options.Value.ApiKey } },
    };

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        long? index = null;
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                var catalog = await ReadAsync(index, stoppingToken);
                if (catalog.Index != index)
                    Apply(catalog);
                index = catalog.Index;
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception error)
            {
                logger.LogWarning(error, "Could not read the service catalog from the Api; the routes stay as they are");
                await Task.Delay(RetryAfterFailure, stoppingToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            }
        }
    }

    private async Task<ServiceCatalog> ReadAsync(long? index, CancellationToken cancellationToken)
    {
        var wait = options.Value.CatalogWait;
        var query = index is { } known
            ? $"api/catalog?index={known.ToString(CultureInfo.InvariantCulture)}&wait={(long)wait.TotalMilliseconds}ms"
            : "api/catalog";
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(wait + TimeSpan.FromSeconds(15));
        return await _http.GetFromJsonAsync<ServiceCatalog>(query, ApiJson, timeout.Token)
            ?? throw new InvalidOperationException("The Api answered the catalog with nothing.");
    }

    public override void Dispose()
    {
        _http.Dispose();
        base.Dispose();
    }

    private void Apply(ServiceCatalog catalog)
    {
        var started = Stopwatch.GetTimestamp();
        var (routes, clusters) = CatalogRoutes.Build(catalog, options.Value.ReactivationPeriod);
        proxy.Update(routes, clusters);
        telemetry.Applied(routes.Count, clusters.Sum(c => c.Destinations?.Count ?? 0), Stopwatch.GetElapsedTime(started));
        logger.LogInformation("Routes updated from the catalog: {Routes} routes, {Destinations} destinations",
            routes.Count, clusters.Sum(c => c.Destinations?.Count ?? 0));
    }
}

/// <summary>The gateway's own metrics, beside ASP.NET Core's request metrics and the proxy's traces.</summary>
public sealed class GatewayTelemetry : IDisposable
{
    public const string MeterName = "Orchestrator.Gateway";
    private readonly Meter _meter = new(MeterName);
    private readonly Counter<long> _updates;
    private readonly Histogram<double> _applyTime;
    private int _routes;
    private int _destinations;

    public GatewayTelemetry()
    {
        _updates = _meter.CreateCounter<long>("orchestrator.gateway.catalog_updates", description: "Catalog changes applied to the routes");
        _applyTime = _meter.CreateHistogram<double>("orchestrator.gateway.catalog_apply", unit: "s", description: "Time to rebuild and swap the routes");
        _meter.CreateObservableGauge("orchestrator.gateway.routes", () => Volatile.Read(ref _routes), description: "Routes the gateway serves");
        _meter.CreateObservableGauge("orchestrator.gateway.destinations", () => Volatile.Read(ref _destinations), description: "Passing instances behind the routes");
    }

    public void Applied(int routes, int destinations, TimeSpan took)
    {
        Volatile.Write(ref _routes, routes);
        Volatile.Write(ref _destinations, destinations);
        _updates.Add(1);
        _applyTime.Record(took.TotalSeconds);
    }

    public void Dispose() => _meter.Dispose();
}
