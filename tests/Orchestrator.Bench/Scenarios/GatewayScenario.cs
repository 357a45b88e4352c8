using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Orchestrator.Bench.Measurement;
using Orchestrator.Contracts;
using Orchestrator.Domain.Tasks;
using Orchestrator.Testing;

namespace Orchestrator.Bench.Scenarios;

public sealed record GatewaySettings(int Connections, TimeSpan Duration, TimeSpan WarmUp, int Services, int Changes);

public sealed record GatewayResults(EndpointLoad Direct, EndpointLoad Gateway, LatencySummary Propagation);

/// <summary>
/// The gateway alone, on loopback: what it adds to a request, and how fast a catalog change reaches its routes.
/// <para>
/// An instance is a small Kestrel app in this process that answers "ok". The catalog is served by a stand-in for the
/// Api's <c>/api/catalog</c> in this process, blocking reads included, holding <see cref="GatewaySettings.Services"/>
/// services that each route a host of their own to that instance. So the figures are the gateway's own: the Api's
/// poll of StateStore (every 250 ms) and StateStore's read of the catalog come on top of the propagation, and are
/// not measured here. Requests go first straight to the instance, then through the gateway, closed-loop, from the
/// same process on the same two cores.
/// </para>
/// </summary>
public sealed class GatewayScenario(Action<string> progress)
{
    private const string BenchHost = "bench.localtest.me";

    public async Task<GatewayResults> RunAsync(GatewaySettings settings, CancellationToken cancellationToken)
    {
        await using var instance = await StartAsync(app => app.MapGet("/{**rest}", () => Results.Text("ok")), cancellationToken);
        var instanceAddress = new Uri(instance.Urls.First());
        var catalog = new StandInCatalog(instanceAddress.Port, settings.Services);
        await using var api = await StartAsync(catalog.Map, cancellationToken);
        var gateway = InProcessServices.Gateway(new Dictionary<string, string?>
        {
            ["Gateway:Api"] = api.Urls.First(),
            ["Gateway:ApiKey"] = "bench-read-only-key",
            ["Logging:LogLevel:Default"] = "Warning",
        });
        await gateway.StartAsync(cancellationToken);
        try
        {
            var gatewayAddress = new Uri(gateway.Urls.First());
            using var client = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = settings.Connections });
            await WaitForRouteAsync(client, gatewayAddress, BenchHost, cancellationToken);

            progress($"straight to the instance with {settings.Connections} connections for {settings.Duration.TotalSeconds:F0} s");
            var direct = await ClosedLoop.LoadAsync("direct", settings.Connections, settings.WarmUp, settings.Duration,
                token => client.GetAsync(instanceAddress, token), cancellationToken);
            progress($"through the gateway with {settings.Connections} connections for {settings.Duration.TotalSeconds:F0} s");
            var proxied = await ClosedLoop.LoadAsync("gateway", settings.Connections, settings.WarmUp, settings.Duration,
                token => client.SendAsync(new HttpRequestMessage(HttpMethod.Get, gatewayAddress) { Headers = { Host = BenchHost } }, token),
                cancellationToken);

            progress($"{settings.Changes} catalog changes, each a new service beside {settings.Services}");
            var propagation = new List<double>();
            for (var i = 0; i < settings.Changes; i++)
            {
                var host = $"new-{i}.{BenchHost}";
                var started = Stopwatch.GetTimestamp();
                catalog.Add(host);
                await WaitForRouteAsync(client, gatewayAddress, host, cancellationToken);
                propagation.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
            }
            return new GatewayResults(direct, proxied, LatencySummary.Of(propagation));
        }
        finally
        {
            await gateway.StopAsync(CancellationToken.None);
            await gateway.DisposeAsync();
        }
    }

    /// <summary>Asks the gateway for <paramref name="host"/> every 2 ms until it answers 200.</summary>
    private static async Task WaitForRouteAsync(HttpClient client, Uri gateway, string host, CancellationToken cancellationToken)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(TimeSpan.FromSeconds(60));
        while (true)
        {
            using var response = await client.SendAsync(new HttpRequestMessage(HttpMethod.Get, gateway) { Headers = { Host = host } }, deadline.Token);
            if (response.IsSuccessStatusCode)
                return;
            await Task.Delay(2, deadline.Token);
        }
    }

    private static async Task<WebApplication> StartAsync(Action<WebApplication> map, CancellationToken cancellationToken)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        var app = builder.Build();
        map(app);
        await app.StartAsync(cancellationToken);
        return app;
    }

    /// <summary>The Api's <c>/api/catalog</c> as the gateway reads it: the whole catalog, and a blocking read on the index.</summary>
    private sealed class StandInCatalog
    {
        private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { Converters = { new JsonStringEnumConverter() } };
        private readonly Lock _gate = new();
        private readonly List<ServiceInstance> _instances = [];
        private readonly int _port;
        private TaskCompletionSource _changed = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private long _index = 1;

        public StandInCatalog(int port, int services)
        {
            _port = port;
            _instances.Add(Instance("bench", BenchHost));
            for (var i = 1; i < services; i++)
                _instances.Add(Instance($"svc-{i}", $"svc-{i}.{BenchHost}"));
        }

        public void Add(string host)
        {
            TaskCompletionSource changed;
            lock (_gate)
            {
                _instances.Add(Instance($"svc-{_instances.Count}", host));
                _index++;
                (changed, _changed) = (_changed, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));
            }
            changed.SetResult();
        }

        public void Map(WebApplication app) => app.MapGet("/api/catalog", async (long? index, string? wait, HttpContext http) =>
        {
            Task changed;
            lock (_gate)
                changed = index == _index ? _changed.Task : Task.CompletedTask;
            var duration = TimeSpan.FromMilliseconds(double.Parse((wait ?? "0ms").TrimEnd('m', 's'), CultureInfo.InvariantCulture));
            await Task.WhenAny(changed, Task.Delay(duration, http.RequestAborted));
            ServiceCatalog catalog;
            lock (_gate)
                catalog = new ServiceCatalog(_index, _instances.ToList());
            return Results.Json(catalog, Json);
        });

        private ServiceInstance Instance(string service, string host) =>
            new(service, Guid.NewGuid(), $"{service}-1", service, Guid.NewGuid(), "bench", "127.0.0.1", _port, [], true,
                TaskState.Running, HealthStatus.Healthy, host, "/");
    }
}
