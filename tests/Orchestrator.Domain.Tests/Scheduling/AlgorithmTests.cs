using Orchestrator.Domain.Scheduling;
using Orchestrator.Domain.Scheduling.Algorithms;
using Orchestrator.Domain.Tasks;
using static Orchestrator.Domain.Tests.Scheduling.NodeFactory;

namespace Orchestrator.Domain.Tests.Scheduling;

public sealed class AlgorithmTests
{
    private static readonly TaskSpec OneCoreHalfGig = new()
    {
        Name = "t",
        Image = "busybox",
        Resources = new ResourceRequest { Cpu = 1m, MemoryMb = 512, DiskMb = 0 },
    };

    [Fact]
    public void Spread_scores_the_fuller_dimension_after_placement()
    {
        // node-1: cpu (1+1)/4 = 0.5, memory (0+512)/4096 = 0.125 -> 0.5
        // node-2: cpu (0+1)/4 = 0.25, memory (2048+512)/4096 = 0.625 -> 0.625
        // node-3: cpu (0+1)/8 = 0.125, memory (512+512)/8192 = 0.125 -> 0.125
        var nodes = new[]
        {
            Node(1, cpu: 4m, memoryMb: 4096, allocatedCpu: 1m),
            Node(2, cpu: 4m, memoryMb: 4096, allocatedMemoryMb: 2048),
            Node(3, cpu: 8m, memoryMb: 8192, allocatedMemoryMb: 512),
        };
        var spread = new SpreadAlgorithm();
        var scores = spread.Score(OneCoreHalfGig, nodes);
        Assert.Equal(0.5, scores[0], 6);
        Assert.Equal(0.625, scores[1], 6);
        Assert.Equal(0.125, scores[2], 6);
        Assert.Equal("node-3", PlacementDecision.Decide(spread, OneCoreHalfGig, nodes).Node!.Name);
    }

    [Fact]
    public void Spread_ties_go_to_the_first_candidate()
    {
        var nodes = new[] { Node(1), Node(2) };
        Assert.Equal("node-1", PlacementDecision.Decide(new SpreadAlgorithm(), OneCoreHalfGig, nodes).Node!.Name);
    }

    [Fact]
    public void Spread_fills_empty_nodes_in_turn_as_allocations_grow()
    {
        var nodes = new List<NodeSnapshot> { Node(1), Node(2), Node(3) };
        var picks = new List<string>();
        for (var i = 0; i < 6; i++)
        {
            var node = PlacementDecision.Decide(new SpreadAlgorithm(), OneCoreHalfGig, nodes).Node!;
            picks.Add(node.Name);
            nodes[nodes.FindIndex(n => n.Id == node.Id)] = node.WithTask(OneCoreHalfGig.Requested, []);
        }
        Assert.Equal(["node-1", "node-2", "node-3", "node-1", "node-2", "node-3"], picks);
    }

    [Fact]
    public void Round_robin_takes_each_feasible_node_in_turn_and_wraps()
    {
        var roundRobin = new RoundRobinAlgorithm();
        var nodes = new[] { Node(3), Node(1), Node(2) };
        var picks = Enumerable.Range(0, 4).Select(_ => PlacementDecision.Decide(roundRobin, OneCoreHalfGig, nodes).Node!.Name).ToList();
        Assert.Equal(["node-1", "node-2", "node-3", "node-1"], picks);
    }

    [Fact]
    public void Round_robin_skips_a_node_that_cannot_take_the_task()
    {
        var roundRobin = new RoundRobinAlgorithm();
        var nodes = new[] { Node(1), Node(2, cpu: 0.5m), Node(3) };
        var picks = Enumerable.Range(0, 3).Select(_ => PlacementDecision.Decide(roundRobin, OneCoreHalfGig, nodes).Node!.Name).ToList();
        Assert.Equal(["node-1", "node-3", "node-1"], picks);
    }

    [Theory]
    [InlineData("Spread", typeof(SpreadAlgorithm))]
    [InlineData("spread", typeof(SpreadAlgorithm))]
    [InlineData("RoundRobin", typeof(RoundRobinAlgorithm))]
    [InlineData("round-robin", typeof(RoundRobinAlgorithm))]
    [InlineData("Epvm", typeof(EpvmAlgorithm))]
    [InlineData("E-PVM", typeof(EpvmAlgorithm))]
    [InlineData("e-pvm", typeof(EpvmAlgorithm))]
    [InlineData("BinPack", typeof(BinPackAlgorithm))]
    [InlineData("binpack", typeof(BinPackAlgorithm))]
    [InlineData("bin-pack", typeof(BinPackAlgorithm))]
    public void Algorithms_are_chosen_by_name(string name, Type expected) =>
        Assert.IsType(expected, PlacementAlgorithms.Create(name));

    [Fact]
    public void An_unknown_algorithm_name_lists_the_known_ones()
    {
        var error = Assert.Throws<ArgumentException>(() => PlacementAlgorithms.Create("Random"));
        Assert.Contains("Spread", error.Message);
        Assert.Contains("RoundRobin", error.Message);
        Assert.Contains("Epvm", error.Message);
        Assert.Contains("BinPack", error.Message);
    }
}
