using Orchestrator.Contracts;
using Orchestrator.Domain.Tasks;
using Orchestrator.Gateway.Catalog;

namespace Orchestrator.Gateway.Tests;

public sealed class CatalogRoutesTests
{
    private static ServiceInstance Instance(
        string service, string task, bool passing = true, string? host = "web.example.com", string prefix = "/", string address = "10.0.0.1", int port = 30001) =>
        new(service, Guid.NewGuid(), task, "web", Guid.NewGuid(), "node-1", address, port, [], passing,
            passing ? TaskState.Running : TaskState.Pending, HealthStatus.Unknown, host, host is null ? null : prefix);

    [Fact]
    public void Each_route_sends_to_the_passing_instances_that_declare_it()
    {
        var catalog = new ServiceCatalog(7,
        [
            Instance("web", "web-1", address: "10.0.0.1", port: 30001),
            Instance("web", "web-2", address: "10.0.0.2", port: 30002),
            Instance("web", "web-3", passing: false),
            Instance("api", "api-1", host: "web.example.com", prefix: "/api/", address: "10.0.0.3"),
            Instance("db", "db-1", host: null),
        ]);

        var (routes, clusters) = CatalogRoutes.Build(catalog, TimeSpan.FromSeconds(10));

        Assert.Equal(["web.example.com", "web.example.com/api"], routes.Select(r => r.RouteId));
        var root = routes.Single(r => r.RouteId == "web.example.com");
        Assert.Equal(("/{**rest}", "web.example.com"), (root.Match.Path, Assert.Single(root.Match.Hosts!)));
        Assert.Equal("/api/{**rest}", routes.Single(r => r.RouteId == "web.example.com/api").Match.Path);
        Assert.All(routes, r => Assert.Equal(CatalogRoutes.ServiceRouteOrder, r.Order));
        var web = clusters.Single(c => c.ClusterId == "web.example.com");
        Assert.Equal(["http://10.0.0.1:30001", "http://10.0.0.2:30002"], web.Destinations!.Values.Select(d => d.Address).Order());
        Assert.True(web.HealthCheck!.Passive!.Enabled);
        Assert.Equal(CatalogRoutes.PassiveHealthPolicy, web.HealthCheck.Passive.Policy);
    }

    [Fact]
    public void A_route_with_no_passing_instance_stays_with_no_destination()
    {
        var (routes, clusters) = CatalogRoutes.Build(new ServiceCatalog(1, [Instance("web", "web-1", passing: false)]), TimeSpan.FromSeconds(10));

        Assert.Single(routes);
        Assert.Empty(Assert.Single(clusters).Destinations!);
    }

    [Fact]
    public void Hosts_are_matched_in_lower_case_and_an_ipv6_address_is_bracketed()
    {
        var (routes, clusters) = CatalogRoutes.Build(
            new ServiceCatalog(1, [Instance("web", "web-1", host: "Web.Example.com", address: "fd00::1", port: 8080)]), TimeSpan.FromSeconds(10));

        Assert.Equal("web.example.com", Assert.Single(Assert.Single(routes).Match.Hosts!));
        Assert.Equal("http://[fd00::1]:8080", Assert.Single(Assert.Single(clusters).Destinations!).Value.Address);
    }
}
