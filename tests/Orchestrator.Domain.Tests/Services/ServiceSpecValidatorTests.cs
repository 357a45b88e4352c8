using Orchestrator.Domain.Services;
using Orchestrator.Domain.Tasks;

namespace Orchestrator.Domain.Tests.Services;

public sealed class ServiceSpecValidatorTests
{
    private static readonly TaskSpec Web = new()
    {
        Name = "web",
        Image = "busybox",
        Ports = [new PortMapping { ContainerPort = 8080 }, new PortMapping { ContainerPort = 53, Protocol = "udp" }],
    };

    private static IReadOnlyDictionary<string, string[]> Errors(params ServiceSpec[] services) =>
        TaskSpecValidator.Validate(Web with { Services = services });

    private static ServiceSpec Service(string name = "web", int port = 8080, ServiceRoute? route = null, IReadOnlyList<string>? tags = null) =>
        new() { Name = name, Port = port, Route = route, Tags = tags };

    [Fact]
    public void A_service_on_a_container_port_with_tags_and_a_route_is_valid() =>
        Assert.Empty(Errors(Service(tags: ["v2", "canary"], route: new ServiceRoute { Host = "web.example.com", PathPrefix = "/api/v2" })));

    [Fact]
    public void The_port_must_be_one_of_the_tasks_tcp_container_ports()
    {
        Assert.Equal(["services[0].port"], Errors(Service(port: 9090)).Keys);
        Assert.Equal(["services[0].port"], Errors(Service(port: 53)).Keys); // udp: the gateway and the catalog speak tcp
        Assert.Equal(["services[0].port"], TaskSpecValidator.Validate(Web with { Ports = null, Services = [Service()] }).Keys);
    }

    [Theory]
    [InlineData("Web")]
    [InlineData("web_1")]
    [InlineData("1web")]
    [InlineData("web-")]
    [InlineData("")]
    public void A_name_that_is_not_a_dns_label_is_refused(string name) =>
        Assert.Equal(["services[0].name"], Errors(Service(name)).Keys);

    [Fact]
    public void A_name_declared_twice_is_refused_at_the_second() =>
        Assert.Equal(["services[1].name"], Errors(Service(), Service()).Keys);

    [Theory]
    [InlineData("not a host", "/", "services[0].route.host")]
    [InlineData("web..example.com", "/", "services[0].route.host")]
    [InlineData("-web.example.com", "/", "services[0].route.host")]
    [InlineData("web.example.com", "api", "services[0].route.pathPrefix")]
    [InlineData("web.example.com", "/a/../b", "services[0].route.pathPrefix")]
    [InlineData("web.example.com", "/{id}", "services[0].route.pathPrefix")]
    public void A_route_needs_a_host_name_and_a_plain_path_prefix(string host, string prefix, string field) =>
        Assert.Equal([field], Errors(Service(route: new ServiceRoute { Host = host, PathPrefix = prefix })).Keys);

    [Fact]
    public void A_bad_tag_is_named_by_its_place() =>
        Assert.Equal(["services[0].tags[1]"], Errors(Service(tags: ["ok", "not ok"])).Keys);

    [Fact]
    public void The_shutdown_delay_is_5_s_for_a_task_with_a_service_none_without_and_never_negative()
    {
        Assert.Equal(TimeSpan.FromSeconds(5), (Web with { Services = [Service()] }).ShutdownDelay);
        Assert.Equal(TimeSpan.Zero, Web.ShutdownDelay);
        Assert.Equal(TimeSpan.FromSeconds(1), (Web with { Services = [Service()], ShutdownDelaySeconds = 1 }).ShutdownDelay);
        Assert.Equal(["shutdownDelaySeconds"], TaskSpecValidator.Validate(Web with { ShutdownDelaySeconds = -1 }).Keys);
    }

    [Fact]
    public void Two_spellings_of_one_route_have_one_key() =>
        Assert.Equal(
            new ServiceRoute { Host = "Web.Example.com", PathPrefix = "/api/" }.Key,
            new ServiceRoute { Host = "web.example.com", PathPrefix = "/api" }.Key);

    [Fact]
    public void Upstreams_are_service_names_each_once_and_each_has_its_variable()
    {
        Assert.Empty(TaskSpecValidator.Validate(Web with { Upstreams = ["db", "web-api"] }));
        Assert.Equal(["upstreams[1]", "upstreams[2]"], TaskSpecValidator.Validate(Web with { Upstreams = ["db", "DB_1", "db"] }).Keys.Order());
        Assert.Equal("ORCHESTRATOR_SERVICE_WEB_API", ServiceSpecValidator.AddressVariable("web-api"));
    }
}
