using Orchestrator.Domain.Nodes;
using Orchestrator.Domain.Scheduling;
using Orchestrator.Domain.Tasks;
using static Orchestrator.Domain.Tests.Scheduling.NodeFactory;

namespace Orchestrator.Domain.Tests.Scheduling;

public sealed class DatacenterCheckerTests
{
    private static TaskSpec In(params string[] datacenters) => new()
    {
        Name = "t",
        Image = "busybox",
        Resources = new ResourceRequest { Cpu = 0.5m, MemoryMb = 256, DiskMb = 10 },
        Datacenters = datacenters,
    };

    private static NodeSnapshot NodeIn(int number, string datacenter, NodeStatus status = NodeStatus.Ready) =>
        Node(number, status: status) with { Datacenter = datacenter };

    [Fact]
    public void A_node_reported_without_a_datacenter_is_in_the_default_one()
    {
        Assert.Equal(NodeDatacenter.Default, Node(1).Datacenter);
        Assert.Null(CandidateFilter.RejectionReason(In("dc1"), Node(1)));
    }

    [Fact]
    public void A_task_that_lists_no_datacenters_goes_to_a_node_in_any()
    {
        Assert.Null(CandidateFilter.RejectionReason(In(), NodeIn(1, "eu-west")));
        Assert.Null(CandidateFilter.RejectionReason(In() with { Datacenters = null }, NodeIn(1, "eu-west")));
    }

    [Fact]
    public void A_task_goes_only_to_nodes_in_one_of_its_datacenters()
    {
        var nodes = new[] { NodeIn(1, "dc1"), NodeIn(2, "eu-west"), NodeIn(3, "us-east") };

        Assert.Equal(["node-2", "node-3"], CandidateFilter.Feasible(In("eu-west", "us-east"), nodes).Select(n => n.Name));
        Assert.Equal("in datacenter dc1", CandidateFilter.RejectionReason(In("eu-west"), nodes[0]));
    }

    [Fact]
    public void Datacenters_are_matched_exactly() =>
        Assert.Equal("in datacenter EU-West", CandidateFilter.RejectionReason(In("eu-west"), NodeIn(1, "EU-West")));

    [Fact]
    public void When_no_Ready_node_is_in_the_tasks_datacenters_the_explanation_says_so_and_where_the_nodes_are()
    {
        var nodes = new[] { NodeIn(1, "dc1"), NodeIn(2, "us-east"), NodeIn(3, "eu-west", NodeStatus.Down) };

        Assert.Equal(
            "no Ready node in datacenter eu-west, eu-central (Ready nodes are in dc1, us-east)",
            CandidateFilter.ExplainNoFit(In("eu-west", "eu-central"), nodes));
    }

    [Fact]
    public void When_a_Ready_node_is_in_the_tasks_datacenter_but_full_the_explanation_counts_each_reason()
    {
        var full = Node(2, memoryMb: 128) with { Datacenter = "eu-west" };

        Assert.Equal(
            "no Ready node has room for 0.5 cpu, 256 MiB memory, 10 MiB disk in datacenter eu-west; 2 nodes checked: 1 in datacenter dc1, 1 short of memory",
            CandidateFilter.ExplainNoFit(In("eu-west"), [Node(1), full]));
    }

    [Fact]
    public void Before_any_node_registers_the_explanation_names_the_datacenter_asked_for() =>
        Assert.Equal(
            "no Ready node has room for 0.5 cpu, 256 MiB memory, 10 MiB disk in datacenter eu-west; no nodes have registered",
            CandidateFilter.ExplainNoFit(In("eu-west"), []));
}
