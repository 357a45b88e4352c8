using Orchestrator.Domain.Nodes;
using Orchestrator.Domain.Scheduling;
using Orchestrator.Domain.Scheduling.Algorithms;
using Orchestrator.Domain.Tasks;
using static Orchestrator.Domain.Tests.Scheduling.NodeFactory;

namespace Orchestrator.Domain.Tests.Scheduling;

// score = 10^freeCpu + 10^freeMemory − 20, the negation of Nomad's BestFit v3, with the free fractions after
// placement. Powers of ten used below: 10^0 = 1, 10^0.25 = 1.7782794, 10^0.375 = 2.3713737, 10^0.75 = 5.6234133.
public sealed class BinPackAlgorithmTests
{
    private static readonly TaskSpec OneCoreOneGig = new()
    {
        Name = "t",
        Image = "busybox",
        Resources = new ResourceRequest { Cpu = 1m, MemoryMb = 1024, DiskMb = 0 },
    };

    [Fact]
    public void Bin_pack_picks_the_fullest_node_that_fits()
    {
        // Task 1 cpu, 1024 MiB on 4-core, 4096 MiB nodes.
        // node-1 empty:             free .75/.75 -> 5.6234133 + 5.6234133 − 20 = −8.7531735
        // node-2 2 cpu, 2048 MiB:   free .25/.25 -> 1.7782794 + 1.7782794 − 20 = −16.4434412
        // node-3 3 cpu, 3072 MiB:   free 0/0     -> 1 + 1 − 20 = −18 (a perfect fit, Nomad's 18)
        // node-4 3.5 cpu, 3072 MiB: 3.5 + 1 > 4 cores, not a candidate though it is the fullest.
        var nodes = new[]
        {
            Node(1),
            Node(2, allocatedCpu: 2m, allocatedMemoryMb: 2048),
            Node(3, allocatedCpu: 3m, allocatedMemoryMb: 3072),
            Node(4, allocatedCpu: 3.5m, allocatedMemoryMb: 3072),
        };
        var binPack = new BinPackAlgorithm();
        var candidates = CandidateFilter.Feasible(OneCoreOneGig, nodes);

        var scores = binPack.Score(OneCoreOneGig, candidates);

        Assert.Equal(["node-1", "node-2", "node-3"], candidates.Select(n => n.Name));
        Assert.Equal(-8.7531735, scores[0], 1e-6);
        Assert.Equal(-16.4434412, scores[1], 1e-6);
        Assert.Equal(-18.0, scores[2], 1e-6);
        Assert.Equal("node-3", PlacementDecision.Decide(binPack, OneCoreOneGig, nodes).Node!.Name);
    }

    [Fact]
    public void Bin_pack_prefers_a_node_full_on_both_resources_to_one_full_on_a_single_resource()
    {
        // node-1 3 cpu, 0 MiB:        free 0/.75      -> 1 + 5.6234133 − 20 = −13.3765867
        // node-2 1.5 cpu, 1536 MiB:   free .375/.375  -> 2.3713737 × 2 − 20 = −15.2572526
        // Spread's measure (the fuller dimension) calls node-1 fuller (1 against .625); the exponent disagrees.
        var nodes = new[]
        {
            Node(1, allocatedCpu: 3m),
            Node(2, allocatedCpu: 1.5m, allocatedMemoryMb: 1536),
        };
        var binPack = new BinPackAlgorithm();

        var scores = binPack.Score(OneCoreOneGig, nodes);

        Assert.Equal(-13.3765867, scores[0], 1e-6);
        Assert.Equal(-15.2572526, scores[1], 1e-6);
        Assert.Equal("node-2", PlacementDecision.Decide(binPack, OneCoreOneGig, nodes).Node!.Name);
    }

    [Fact]
    public void Bin_pack_fills_one_node_before_starting_the_next()
    {
        // Four 1-core tasks fill node-1's 4 cores; the fifth no longer fits there and starts node-2.
        var nodes = new List<NodeSnapshot> { Node(1), Node(2), Node(3) };
        var picks = new List<string>();
        for (var i = 0; i < 6; i++)
        {
            var node = PlacementDecision.Decide(new BinPackAlgorithm(), OneCoreOneGig, nodes).Node!;
            picks.Add(node.Name);
            nodes[nodes.FindIndex(n => n.Id == node.Id)] = node.WithTask(OneCoreOneGig.Requested, []);
        }
        Assert.Equal(["node-1", "node-1", "node-1", "node-1", "node-2", "node-2"], picks);
    }

    [Fact]
    public void Bin_pack_ties_go_to_the_first_candidate()
    {
        Assert.Equal("node-2", PlacementDecision.Decide(new BinPackAlgorithm(), OneCoreOneGig, [Node(2), Node(1)]).Node!.Name);
        Assert.Equal("node-1", PlacementDecision.Decide(new BinPackAlgorithm(), OneCoreOneGig, [Node(1), Node(2)]).Node!.Name);
    }

    [Fact]
    public void Bin_pack_never_picks_a_node_that_cannot_take_the_task()
    {
        // Both would be perfect fits, but node-1 is Down and node-2 has the task's fixed host port taken.
        var task = OneCoreOneGig with { Ports = [new PortMapping { ContainerPort = 80, HostPort = 8080 }] };
        var nodes = new[]
        {
            Node(1, allocatedCpu: 3m, allocatedMemoryMb: 3072, status: NodeStatus.Down),
            Node(2, allocatedCpu: 3m, allocatedMemoryMb: 3072, usedPorts: [8080]),
            Node(3),
        };

        var decision = PlacementDecision.Decide(new BinPackAlgorithm(), task, nodes);

        Assert.Equal("node-3", decision.Node!.Name);
        Assert.False(PlacementDecision.Decide(new BinPackAlgorithm(), task, nodes[..2]).IsPlaced);
    }
}
