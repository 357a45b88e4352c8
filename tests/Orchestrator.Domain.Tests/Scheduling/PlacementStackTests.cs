using Orchestrator.Domain.Nodes;
using Orchestrator.Domain.Scheduling;
using Orchestrator.Domain.Scheduling.Feasibility;
using Orchestrator.Domain.Tasks;
using static Orchestrator.Domain.Tests.Scheduling.NodeFactory;

namespace Orchestrator.Domain.Tests.Scheduling;

/// <summary>The stack's parts one at a time: each checker of the chain, the job's spread, a scorer, and the pick.</summary>
public sealed class PlacementStackTests
{
    private static readonly TaskSpec Small = new()
    {
        Name = "t",
        Image = "busybox",
        Resources = new ResourceRequest { Cpu = 1m, MemoryMb = 512, DiskMb = 0 },
        Ports = [new PortMapping { ContainerPort = 80, HostPort = 8080 }],
    };

    public static TheoryData<IFeasibilityChecker, NodeSnapshot, string> Rejections => new()
    {
        { new NodeStatusChecker(), Node(1, status: NodeStatus.Down), "Down" },
        { new DatacenterChecker(), Node(1), "in datacenter dc1" },
        { new PinnedNodeChecker(), Node(1), "not the pinned node" },
        { new LabelConstraintChecker(), Node(1), "without label zone=a" },
        { new ResourceChecker(), Node(1, memoryMb: 256), "short of memory" },
        { new HostPortChecker(), Node(1, usedPorts: [8080]), "host port 8080/tcp taken" },
    };

    [Theory]
    [MemberData(nameof(Rejections))]
    public void Each_checker_turns_down_the_node_it_is_about_and_says_why(IFeasibilityChecker checker, NodeSnapshot node, string reason)
    {
        var ask = new PlacementAsk(Small with
        {
            NodeId = Node(2).Id,
            Constraints = [new PlacementConstraint { Label = "zone", EqualTo = "a" }],
            Datacenters = ["eu-west"],
        });

        Assert.False(checker.Accepts(ask, node));
        Assert.Equal(reason, checker.Explain(ask, node));
    }

    [Fact]
    public void Each_checker_accepts_a_node_that_meets_it()
    {
        var node = Node(1) with { Labels = new Dictionary<string, string> { ["zone"] = "a" }, Datacenter = "eu-west" };
        var ask = new PlacementAsk(Small with
        {
            NodeId = node.Id,
            Constraints = [new PlacementConstraint { Label = "zone", EqualTo = "a" }],
            Datacenters = ["eu-west"],
        });
        IFeasibilityChecker[] chain = [new NodeStatusChecker(), new DatacenterChecker(), new PinnedNodeChecker(), new LabelConstraintChecker(), new ResourceChecker(), new HostPortChecker()];

        Assert.All(chain, checker => Assert.True(checker.Accepts(ask, node)));
    }

    [Fact]
    public void The_first_checker_to_turn_a_node_down_names_the_reason()
    {
        // Down, short of memory and holding the port: the status comes first in the chain.
        var node = Node(1, memoryMb: 256, status: NodeStatus.Down, usedPorts: [8080]);
        Assert.Equal("Down", CandidateFilter.RejectionReason(Small, node));
        Assert.Equal("short of memory", CandidateFilter.RejectionReason(Small, node with { Status = NodeStatus.Ready }));
    }

    [Fact]
    public void A_jobs_spread_keeps_the_candidates_with_the_fewest_of_its_tasks_in_their_order()
    {
        var nodes = new[] { Node(3), Node(1).WithTask(Small, "web"), Node(2), Node(4).WithTask(Small, "api") };

        Assert.Equal(["node-3", "node-2", "node-4"], JobSpread.FewestOf("web", nodes).Select(n => n.Name));
        Assert.Same(nodes, JobSpread.FewestOf("db", nodes));
    }

    [Fact]
    public void The_scorer_ranks_and_the_lowest_score_is_picked()
    {
        var nodes = new[] { Node(1), Node(2), Node(3) };
        var scorer = new FixedScores(new() { [nodes[0].Id] = 2, [nodes[1].Id] = 0.5, [nodes[2].Id] = 1 });

        var decision = PlacementDecision.Decide(scorer, Small, nodes);

        Assert.Equal("node-2", decision.Node!.Name);
        Assert.Equal(["node-2"], scorer.Picks.Select(n => n.Name));
    }

    [Fact]
    public void The_scorer_sees_only_what_the_chain_and_the_jobs_spread_kept()
    {
        var nodes = new[] { Node(1, status: NodeStatus.Down), Node(2).WithTask(Small with { Ports = [] }, "web"), Node(3), Node(4) };
        var scorer = new FixedScores(new() { [nodes[2].Id] = 1, [nodes[3].Id] = 1 });

        var decision = PlacementDecision.Decide(scorer, Small, nodes, "web");

        Assert.Equal(["node-3", "node-4"], scorer.Scored.Select(n => n.Name));
        Assert.Equal("node-3", decision.Node!.Name);
    }

    [Fact]
    public void A_tie_goes_to_the_earliest_candidate()
    {
        var nodes = new[] { Node(2), Node(1) };
        Assert.Equal("node-2", LowestScorePicker.Pick([1, 1], nodes).Name);
    }

    [Fact]
    public void No_candidate_means_no_score_and_no_pick_only_the_reason()
    {
        var scorer = new FixedScores([]);

        var decision = PlacementDecision.Decide(scorer, Small, [Node(1, memoryMb: 256), Node(2, memoryMb: 256)]);

        Assert.False(decision.IsPlaced);
        Assert.Equal("no Ready node has room for 1 cpu, 512 MiB memory, 0 MiB disk and host port 8080/tcp; 2 nodes checked: 2 short of memory", decision.Reason);
        Assert.Empty(scorer.Scored);
        Assert.Empty(scorer.Picks);
    }

    /// <summary>A scorer that gives each node the score it was told, and remembers what it saw.</summary>
    private sealed class FixedScores(Dictionary<Guid, double> scores) : IPlacementAlgorithm
    {
        public List<NodeSnapshot> Scored { get; } = [];

        public List<NodeSnapshot> Picks { get; } = [];

        public string Name => "Fixed";

        public double[] Score(TaskSpec task, IReadOnlyList<NodeSnapshot> candidates)
        {
            Scored.AddRange(candidates);
            return candidates.Select(node => scores[node.Id]).ToArray();
        }

        public void Picked(NodeSnapshot node) => Picks.Add(node);
    }
}
