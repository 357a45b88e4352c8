using Orchestrator.Domain.Nodes;
using Orchestrator.Domain.Tasks;

namespace Orchestrator.Domain.Tests.Tasks;

public sealed class TaskSpecValidatorTests
{
    private static readonly TaskSpec Valid = new() { Name = "web", Image = "busybox" };

    private static IReadOnlyDictionary<string, string[]> Errors(TaskSpec spec) => TaskSpecValidator.Validate(spec);

    [Fact]
    public void Name_and_image_alone_are_a_valid_spec() => Assert.Empty(Errors(Valid));

    [Fact]
    public void A_full_spec_within_limits_is_valid()
    {
        var spec = Valid with
        {
            Command = ["sh", "-c", "httpd -f -p 8080"],
            Env = new Dictionary<string, string> { ["GREETING"] = "hello", ["_X1"] = "" },
            Resources = new ResourceRequest { Cpu = 0.5m, MemoryMb = 64, DiskMb = 100 },
            Ports = [new PortMapping { ContainerPort = 8080, HostPort = 0 }, new PortMapping { ContainerPort = 53, HostPort = 5353, Protocol = "udp" }],
        };
        Assert.Empty(Errors(spec));
    }

    [Fact]
    public void Missing_name_and_image_are_both_named()
    {
        var errors = Errors(new TaskSpec());
        Assert.Equal(["image", "name"], errors.Keys.Order());
    }

    [Fact]
    public void Datacenters_are_names_each_listed_once_keyed_by_their_place()
    {
        var errors = Errors(Valid with { Datacenters = ["dc1", "has space", "dc1", new string('a', TaskSpecValidator.MaxNameLength + 1)] });

        Assert.Equal(["datacenters[1]", "datacenters[2]", "datacenters[3]"], errors.Keys.Order());
        Assert.Empty(Errors(Valid with { Datacenters = [] }));
        Assert.Empty(Errors(Valid with { Datacenters = ["eu-west", "us_east.2"] }));
    }

    [Fact]
    public void At_most_sixteen_datacenters_may_be_listed() =>
        Assert.Equal(
            ["datacenters"],
            Errors(Valid with { Datacenters = Enumerable.Range(1, NodeDatacenter.MaxListed + 1).Select(i => $"dc{i}").ToList() }).Keys);

    [Theory]
    [InlineData("-starts-with-dash")]
    [InlineData("has space")]
    [InlineData("slash/not/allowed")]
    public void Malformed_names_are_refused(string name) => Assert.Contains("name", Errors(Valid with { Name = name }).Keys);

    [Fact]
    public void A_name_longer_than_63_characters_is_refused() =>
        Assert.Contains("name", Errors(Valid with { Name = new string('a', 64) }).Keys);

    [Theory]
    [InlineData("busybox")]
    [InlineData("orchestrator/busybox:latest")]
    [InlineData("localhost:5000/team/app:1.2.3")]
    [InlineData("registry.example.org/a/b/c")]
    [InlineData("nginx@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef")]
    public void Valid_image_references_are_accepted(string image) => Assert.Empty(Errors(Valid with { Image = image }));

    [Theory]
    [InlineData("UPPER/case")]
    [InlineData("bad image")]
    [InlineData("trailing-colon:")]
    [InlineData("double//slash")]
    [InlineData("tag:with spaces")]
    public void Invalid_image_references_are_refused(string image) =>
        Assert.Contains("image", Errors(Valid with { Image = image }).Keys);

    [Theory]
    [InlineData(0, "resources.cpu")]
    [InlineData(-1, "resources.cpu")]
    [InlineData(257, "resources.cpu")]
    public void Cpu_outside_0_to_256_cores_is_refused(double cpu, string field) =>
        Assert.Contains(field, Errors(Valid with { Resources = new ResourceRequest { Cpu = (decimal)cpu } }).Keys);

    [Theory]
    [InlineData(5)]
    [InlineData(-64)]
    [InlineData(1024L * 1024 + 1)]
    public void Memory_below_6_MiB_or_above_1_TiB_is_refused(long memoryMb) =>
        Assert.Equal(["resources.memoryMb"], Errors(Valid with { Resources = new ResourceRequest { MemoryMb = memoryMb } }).Keys);

    [Fact]
    public void Negative_disk_is_refused() =>
        Assert.Equal(["resources.diskMb"], Errors(Valid with { Resources = new ResourceRequest { DiskMb = -1 } }).Keys);

    [Fact]
    public void Each_bad_port_field_is_named_by_its_index()
    {
        var spec = Valid with
        {
            Ports =
            [
                new PortMapping { ContainerPort = 80 },
                new PortMapping { ContainerPort = 0, HostPort = 70000, Protocol = "sctp" },
            ],
        };
        Assert.Equal(["ports[1].containerPort", "ports[1].hostPort", "ports[1].protocol"], Errors(spec).Keys.Order());
    }

    [Fact]
    public void The_same_fixed_host_port_twice_is_refused()
    {
        var spec = Valid with
        {
            Ports = [new PortMapping { ContainerPort = 80, HostPort = 8080 }, new PortMapping { ContainerPort = 81, HostPort = 8080 }],
        };
        Assert.Equal(["ports[1].hostPort"], Errors(spec).Keys);
    }

    [Fact]
    public void Dynamic_host_ports_may_repeat()
    {
        var spec = Valid with { Ports = [new PortMapping { ContainerPort = 80 }, new PortMapping { ContainerPort = 81 }] };
        Assert.Empty(Errors(spec));
    }

    [Fact]
    public void The_same_container_port_twice_is_refused()
    {
        var spec = Valid with { Ports = [new PortMapping { ContainerPort = 80 }, new PortMapping { ContainerPort = 80 }] };
        Assert.Equal(["ports[1].containerPort"], Errors(spec).Keys);
    }

    [Fact]
    public void Too_many_ports_are_refused()
    {
        var ports = Enumerable.Range(1, TaskSpecValidator.MaxPorts + 1).Select(p => new PortMapping { ContainerPort = p }).ToList();
        Assert.Contains("ports", Errors(Valid with { Ports = ports }).Keys);
    }

    [Fact]
    public void Environment_variable_names_must_be_identifiers()
    {
        var spec = Valid with { Env = new Dictionary<string, string> { ["1BAD"] = "x", ["GOOD"] = "y" } };
        Assert.Equal(["env.1BAD"], Errors(spec).Keys);
    }

    [Fact]
    public void Too_many_command_arguments_are_refused()
    {
        var command = Enumerable.Repeat("x", TaskSpecValidator.MaxCommandArguments + 1).ToList();
        Assert.Contains("command", Errors(Valid with { Command = command }).Keys);
    }

    [Fact]
    public void Omitted_resources_take_the_defaults()
    {
        var requested = Valid.Requested;
        Assert.Equal(0.1m, requested.Cpu);
        Assert.Equal(64, requested.MemoryMb);
        Assert.Equal(100, requested.DiskMb);
    }

    [Fact]
    public void Resources_given_in_part_keep_the_defaults_for_the_rest()
    {
        var requested = (Valid with { Resources = new ResourceRequest { MemoryMb = 512 } }).Requested;
        Assert.Equal(new Domain.Capacity.Resources(0.1m, 512, 100), requested);
    }
}
