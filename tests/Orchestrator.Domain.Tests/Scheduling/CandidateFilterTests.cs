using Orchestrator.Domain.Nodes;
using Orchestrator.Domain.Scheduling;
using Orchestrator.Domain.Tasks;
using static Orchestrator.Domain.Tests.Scheduling.NodeFactory;

namespace Orchestrator.Domain.Tests.Scheduling;

public sealed class CandidateFilterTests
{
    private static TaskSpec Task(decimal cpu = 0.5m, long memoryMb = 256, int hostPort = 0, string protocol = "tcp") => new()
    {
        Name = "t",
        Image = "busybox",
        Resources = new ResourceRequest { Cpu = cpu, MemoryMb = memoryMb, DiskMb = 10 },
        Ports = [new PortMapping { ContainerPort = 80, HostPort = hostPort, Protocol = protocol }],
    };

    [Fact]
    public void Down_nodes_are_never_candidates() =>
        Assert.Equal("Down", CandidateFilter.RejectionReason(Task(), Node(1, status: NodeStatus.Down)));

    [Fact]
    public void A_node_counts_what_its_tasks_asked_for()
    {
        var almostFull = Node(1, memoryMb: 1024, allocatedMemoryMb: 900);
        Assert.Equal("short of memory", CandidateFilter.RejectionReason(Task(memoryMb: 200), almostFull));
        Assert.Null(CandidateFilter.RejectionReason(Task(memoryMb: 124), almostFull));
    }

    [Fact]
    public void A_taken_fixed_host_port_rules_the_node_out()
    {
        var node = Node(1, usedPorts: [8080]);
        Assert.Equal("host port 8080/tcp taken", CandidateFilter.RejectionReason(Task(hostPort: 8080), node));
        Assert.Null(CandidateFilter.RejectionReason(Task(hostPort: 8081), node));
        Assert.Null(CandidateFilter.RejectionReason(Task(hostPort: 0), node));
    }

    [Fact]
    public void The_same_port_number_for_the_other_protocol_is_free()
    {
        var node = Node(1, usedPorts: [53]); // 53/tcp

        Assert.Null(CandidateFilter.RejectionReason(Task(hostPort: 53, protocol: "udp"), node));
        Assert.Equal("host port 53/tcp taken", CandidateFilter.RejectionReason(Task(hostPort: 53, protocol: "tcp"), node));
        var withUdp = node.WithTask(Task(hostPort: 53, protocol: "udp"));
        Assert.Equal("host port 53/udp taken", CandidateFilter.RejectionReason(Task(hostPort: 53, protocol: "udp"), withUdp));
    }

    [Fact]
    public void The_explanation_counts_each_reason()
    {
        var nodes = new[]
        {
            Node(1, memoryMb: 1024),
            Node(2, memoryMb: 2048),
            Node(3, status: NodeStatus.Down),
        };
        var reason = CandidateFilter.ExplainNoFit(Task(cpu: 0.5m, memoryMb: 65536), nodes);
        Assert.Equal("no Ready node has room for 0.5 cpu, 65536 MiB memory, 10 MiB disk; 3 nodes checked: 2 short of memory, 1 Down", reason);
    }

    [Fact]
    public void The_explanation_says_when_no_node_has_registered() =>
        Assert.EndsWith("no nodes have registered", CandidateFilter.ExplainNoFit(Task(), []));

    [Fact]
    public void A_decision_with_no_candidate_carries_the_explanation()
    {
        var decision = PlacementDecision.Decide(PlacementAlgorithms.Create("Spread"), Task(cpu: 8m), [Node(1, cpu: 4m)]);
        Assert.False(decision.IsPlaced);
        Assert.Contains("1 short of cpu", decision.Reason);
    }
}

public sealed class ConstraintFilterTests
{
    private static TaskSpec Task(Guid? pinned = null, params (string Label, string Value)[] required) => new()
    {
        Name = "t",
        Image = "busybox",
        NodeId = pinned,
        Constraints = required.Select(r => new PlacementConstraint { Label = r.Label, EqualTo = r.Value }).ToList(),
    };

    private static NodeSnapshot Labelled(int number, params (string Key, string Value)[] labels) =>
        Node(number) with { Labels = labels.ToDictionary(l => l.Key, l => l.Value) };

    [Fact]
    public void A_node_must_carry_every_required_label()
    {
        var ssd = Labelled(1, ("disk", "ssd"), ("zone", "a"));
        Assert.Null(CandidateFilter.RejectionReason(Task(null, ("disk", "ssd")), ssd));
        Assert.Equal("without label disk=nvme", CandidateFilter.RejectionReason(Task(null, ("disk", "ssd"), ("disk", "nvme")), ssd));
        Assert.Equal("without label disk=ssd", CandidateFilter.RejectionReason(Task(null, ("disk", "ssd")), Node(2)));
    }

    [Fact]
    public void A_pinned_task_fits_only_its_node()
    {
        var nodes = new[] { Node(1), Node(2), Node(3) };
        var pinned = Task(nodes[1].Id);
        Assert.Equal([nodes[1]], CandidateFilter.Feasible(pinned, nodes));
        Assert.Contains("2 not the pinned node", CandidateFilter.ExplainNoFit(pinned, [nodes[0], nodes[2]]));
    }

    [Fact]
    public void Draining_nodes_take_nothing_new() =>
        Assert.Equal("Draining", CandidateFilter.RejectionReason(Task(), Node(1, status: NodeStatus.Draining)));

    [Fact]
    public void A_task_held_by_its_volumes_names_the_node_it_waits_for_and_why()
    {
        var down = Node(2, status: NodeStatus.Down);
        var held = Task().HeldTo(down.Id);
        Assert.Empty(CandidateFilter.Feasible(held, [Node(1), down]));
        var reason = CandidateFilter.ExplainVolumeWait(held, down.Id, [Node(1), down]);
        Assert.StartsWith("waiting for node node-2, which holds its volumes: Down", reason);
        Assert.Contains("release-volumes", reason);
        Assert.Contains("not registered", CandidateFilter.ExplainVolumeWait(held, down.Id, [Node(1)]));
    }
}
