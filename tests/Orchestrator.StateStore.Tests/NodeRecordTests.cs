using Orchestrator.Contracts;
using Orchestrator.Domain.Capacity;
using Orchestrator.Domain.Nodes;
using Orchestrator.StateStore.Persistence.Entities;

namespace Orchestrator.StateStore.Tests;

/// <summary>A node's status changes only through its own methods; pure, no database.</summary>
public sealed class NodeRecordTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 25, 12, 0, 0, TimeSpan.Zero);

    private static NodeHeartbeat Heartbeat() => new(
        Guid.NewGuid(), "worker-1", new Resources(2, 1024, 10_000), new Resources(2, 512, 10_000), new Resources(0.5m, 100, 200),
        [], Now, new Dictionary<string, string> { ["disk"] = "ssd" });

    [Fact]
    public void A_new_node_is_registered_from_its_heartbeat_and_comes_into_service_as_a_revived_one_does()
    {
        var heartbeat = Heartbeat();
        var node = NodeRecord.Register(heartbeat, Now);
        Assert.Equal(NodeStatus.Down, node.Status);

        Assert.True(node.Revive());

        Assert.Equal((NodeStatus.Ready, "worker-1", 512L, "ssd"), (node.Status, node.Name, node.Allocatable.MemoryMb, node.Labels["disk"]));
        Assert.Equal((Now, Now), (node.RegisteredAt, node.LastHeartbeatAt));
        Assert.False(node.Revive());
    }

    [Fact]
    public void A_node_is_in_the_datacenter_its_heartbeat_names_and_an_older_agents_is_in_the_default_one()
    {
        var node = NodeRecord.Register(Heartbeat() with { Datacenter = "eu-west" }, Now);
        Assert.Equal("eu-west", node.Datacenter);

        node.Refresh(Heartbeat(), [], Now);
        Assert.Equal(NodeDatacenter.Default, node.Datacenter);
    }

    [Fact]
    public void A_silent_node_is_Down_until_it_heartbeats_again()
    {
        var node = NodeRecord.Register(Heartbeat(), Now);
        node.Revive();

        node.MarkDown(Now.AddSeconds(20));
        Assert.Equal((NodeStatus.Down, (DateTimeOffset?)Now.AddSeconds(20)), (node.Status, node.DownSince));
        Assert.Throws<InvalidOperationException>(() => node.MarkDown(Now.AddSeconds(30)));

        Assert.True(node.Revive());
        Assert.Equal((NodeStatus.Ready, null), (node.Status, node.DownSince));
    }

    [Fact]
    public void A_drained_node_stays_drained_until_returned_to_service()
    {
        var node = NodeRecord.Register(Heartbeat(), Now);
        node.Revive();

        Assert.True(node.Drain());
        Assert.False(node.Drain());
        Assert.False(node.Revive());
        Assert.True(node.ReturnToService());
        Assert.False(node.ReturnToService());
        Assert.Equal(NodeStatus.Ready, node.Status);
    }

    [Fact]
    public void A_heartbeat_replaces_the_unknown_containers_of_the_one_before()
    {
        var heartbeat = Heartbeat();
        var node = NodeRecord.Register(heartbeat, Now);
        var unknown = new UnknownContainer(Guid.NewGuid(), 1, "c0ffee");

        node.Refresh(heartbeat, [unknown], Now);
        Assert.Equal([unknown], node.UnknownContainers);
        node.Refresh(heartbeat, [], Now.AddSeconds(1));
        Assert.Empty(node.UnknownContainers);
    }

    [Fact]
    public void A_heartbeat_replaces_the_host_volumes_and_an_older_agent_offers_none()
    {
        var node = NodeRecord.Register(Heartbeat(), Now);
        Assert.Empty(node.HostVolumes);

        var certs = new HostVolume("certs", "/etc/ssl/private", ReadOnly: true);
        node.Refresh(Heartbeat() with { HostVolumes = [certs] }, [], Now.AddSeconds(1));

        Assert.Equal([certs], node.HostVolumes);
    }
}
