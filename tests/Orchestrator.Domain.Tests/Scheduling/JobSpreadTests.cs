using Orchestrator.Domain.Scheduling;
using Orchestrator.Domain.Tasks;
using static Orchestrator.Domain.Tests.Scheduling.NodeFactory;

namespace Orchestrator.Domain.Tests.Scheduling;

/// <summary>A job's tasks go to the nodes with the fewest of them, whichever algorithm chooses among those.</summary>
public sealed class JobSpreadTests
{
    private static readonly TaskSpec Small = new()
    {
        Name = "web-1",
        Image = "busybox",
        Resources = new ResourceRequest { Cpu = 0.5m, MemoryMb = 256, DiskMb = 0 },
    };

    public static TheoryData<string> Algorithms => new(PlacementAlgorithms.Names);

    [Theory]
    [MemberData(nameof(Algorithms))]
    public void A_jobs_tasks_land_on_as_many_nodes_as_there_are_before_any_node_gets_a_second(string name)
    {
        var algorithm = PlacementAlgorithms.Create(name);
        var nodes = new[] { Node(1), Node(2), Node(3) };

        var placed = Enumerable.Range(0, 6).Select(_ => Place(algorithm, nodes, "web")).ToList();

        Assert.Equal(3, placed.Take(3).Distinct().Count());
        Assert.Equal(3, placed.Skip(3).Distinct().Count());
        Assert.All(nodes, node => Assert.Equal(2, node.TasksOf("web")));
    }

    [Fact]
    public void Bin_pack_still_packs_tasks_of_no_job_and_of_different_jobs_onto_one_node()
    {
        var algorithm = PlacementAlgorithms.Create("BinPack");
        var nodes = new[] { Node(1), Node(2), Node(3) };

        var placed = new[] { Place(algorithm, nodes, null), Place(algorithm, nodes, null), Place(algorithm, nodes, "web"), Place(algorithm, nodes, "api") };

        Assert.Single(placed.Distinct());
    }

    [Fact]
    public void A_node_that_cannot_fit_the_task_is_no_reason_to_stack_less()
    {
        // node-1 holds one of the job's tasks; node-2 has none but no room: the task goes back to node-1 or node-3,
        // and node-3 has none, so node-3.
        var nodes = new[] { Node(1).WithTask(Small, "web"), Node(2, allocatedCpu: 4m), Node(3) };
        var decision = PlacementDecision.Decide(PlacementAlgorithms.Create("BinPack"), Small, nodes, "web");
        Assert.Equal("node-3", decision.Node!.Name);
    }

    [Fact]
    public void Placing_a_jobs_task_counts_it_on_its_node_and_only_for_its_job()
    {
        var node = Node(1).WithTask(Small, "web").WithTask(Small, "web").WithTask(Small, "api").WithTask(Small);
        Assert.Equal((2, 1, 0, 4), (node.TasksOf("web"), node.TasksOf("api"), node.TasksOf("db"), node.TaskCount));
    }

    /// <summary>Decides, records the placement on the chosen node as the Scheduler does, and names the node.</summary>
    private static string Place(IPlacementAlgorithm algorithm, NodeSnapshot[] nodes, string? job)
    {
        var decision = PlacementDecision.Decide(algorithm, Small, nodes, job);
        var index = Array.FindIndex(nodes, n => n.Id == decision.Node!.Id);
        nodes[index] = nodes[index].WithTask(Small, job);
        return nodes[index].Name;
    }
}
