using System.Net;
using Orchestrator.WorkerAgent.Host;

namespace Orchestrator.WorkerAgent.Tests;

public sealed class NodeAddressTests
{
    private static NodeAddress.Interface Up(string name, params string[] addresses) =>
        new(name, Up: true, Loopback: false, addresses.Select(IPAddress.Parse).ToList());

    [Fact]
    public void The_first_IPv4_address_of_an_up_host_interface_is_the_nodes()
    {
        var chosen = NodeAddress.Choose(
        [
            new NodeAddress.Interface("lo", Up: true, Loopback: true, [IPAddress.Loopback]),
            Up("docker0", "172.17.0.1"),
            Up("br-3f2a9c", "172.18.0.1"),
            Up("veth12ab", "169.254.3.3"),
            new NodeAddress.Interface("eth1", Up: false, Loopback: false, [IPAddress.Parse("10.0.0.9")]),
            Up("eth0", "fe80::1", "192.168.10.7"),
            Up("eth2", "10.1.1.1"),
        ]);

        Assert.Equal("192.168.10.7", chosen);
    }

    [Fact]
    public void A_host_with_only_loopback_and_bridges_has_no_address_to_choose() =>
        Assert.Null(NodeAddress.Choose([new("lo", true, true, [IPAddress.Loopback]), Up("docker0", "172.17.0.1")]));

    [Fact]
    public void The_operators_address_wins_over_detection() =>
        Assert.Equal("worker-7.example.internal", NodeAddress.Of(new AgentOptions { Address = " worker-7.example.internal " }));
}
