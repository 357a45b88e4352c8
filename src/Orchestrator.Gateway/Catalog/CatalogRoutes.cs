using Orchestrator.Contracts;
using Orchestrator.Domain.Services;
using Yarp.ReverseProxy.Configuration;
using Yarp.ReverseProxy.Health;
using Yarp.ReverseProxy.LoadBalancing;

namespace Orchestrator.Gateway.Catalog;

/// <summary>
/// The proxy's configuration as the catalog implies it: a route per service route (host and path prefix), each to a
/// cluster of the passing instances that declare it, spread by power of two choices and watched by passive health.
/// A route with no passing instance stays, with no destination, so its callers get 503 rather than another
/// route's answer. Pure: the same catalog always gives the same configuration.
/// </summary>
public static class CatalogRoutes
{
    public const string PassiveHealthPolicy = "TransportFailureRate";

    /// <summary>The order of every service route: below the default (0) of the gateway's own health endpoints.</summary>
    public const int ServiceRouteOrder = -1;

    public static (IReadOnlyList<RouteConfig> Routes, IReadOnlyList<ClusterConfig> Clusters) Build(ServiceCatalog catalog, TimeSpan reactivationPeriod)
    {
        var routed = catalog.Instances
            .Where(i => i.RouteHost is not null)
            .GroupBy(i => RouteOf(i).Key, StringComparer.Ordinal)
            .OrderBy(g => g.Key, StringComparer.Ordinal)
            .ToList();
        var routes = routed.Select(route =>
        {
            var first = RouteOf(route.First());
            return new RouteConfig
            {
                RouteId = route.Key,
                ClusterId = route.Key,
                // Before the gateway's own endpoints: a service's /health must reach the service, not the gateway's.
                Order = ServiceRouteOrder,
                Match = new RouteMatch { Hosts = [first.Host.ToLowerInvariant()], Path = PathPattern(first) },
            };
        }).ToList();
        var clusters = routed.Select(route => new ClusterConfig
        {
            ClusterId = route.Key,
            LoadBalancingPolicy = LoadBalancingPolicies.PowerOfTwoChoices,
            HealthCheck = new HealthCheckConfig
            {
                Passive = new PassiveHealthCheckConfig { Enabled = true, Policy = PassiveHealthPolicy, ReactivationPeriod = reactivationPeriod },
            },
            Destinations = route
                .Where(i => i.Passing && i.Address is not null && i.Port is not null)
                .DistinctBy(i => (i.TaskId, i.Port))
                .ToDictionary(i => $"{i.TaskName}/{i.TaskId:N}/{i.Port}", i => new DestinationConfig { Address = Address(i.Address!, i.Port!.Value) }, StringComparer.Ordinal),
        }).ToList();
        return (routes, clusters);
    }

    /// <summary>The route an instance declares; its <see cref="ServiceRoute.Key"/> tells two routes apart, as StateStore's claims do.</summary>
    private static ServiceRoute RouteOf(ServiceInstance instance) => new() { Host = instance.RouteHost!, PathPrefix = instance.RoutePathPrefix ?? "/" };

    /// <summary>
    /// The prefix and anything below it, by whole segments: "/api" matches /api and /api/orders, not /apix. The path is
    /// forwarded as it came.
    /// </summary>
    public static string PathPattern(ServiceRoute route) => $"{route.NormalizedPrefix}/{{**rest}}";

    private static string Address(string host, int port) => new UriBuilder(Uri.UriSchemeHttp, host, port).Uri.GetLeftPart(UriPartial.Authority);
}
