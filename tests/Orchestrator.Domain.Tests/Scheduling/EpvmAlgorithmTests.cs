using Orchestrator.Domain.Nodes;
using Orchestrator.Domain.Scheduling;
using Orchestrator.Domain.Scheduling.Algorithms;
using Orchestrator.Domain.Tasks;
using static Orchestrator.Domain.Tests.Scheduling.NodeFactory;

namespace Orchestrator.Domain.Tests.Scheduling;

// Powers of L = 1.53960071783900203869 used below (L^x = e^(x ln L), ln L = 0.4315994):
//   L^0 = 1            L^0.125 = 1.0554217   L^0.25 = 1.1139149   L^0.375 = 1.1756500
//   L^0.5 = 1.2408065  L^0.75 = 1.3821529    L^1 = 1.5396007
// So the steps: L^0.25−L^0 = 0.1139149, L^0.375−L^0.25 = 0.0617350, L^0.5−L^0.25 = 0.1268916,
//   L^0.75−L^0.5 = 0.1413464, L^1−L^0.75 = 0.1574479, L^0.5−L^0 = 0.2408065, L^1−L^0.5 = 0.2987942,
//   L^0.75−L^0.25 = 0.2682379, L^0.25−L^0.125 = 0.0584933.
// score = (mem step) + (job step) + (cpu step) + (job step). The steps are rounded to 7 places, so a sum of
// them can differ from the exact score in the 7th place; the asserts allow 1e-6.
public sealed class EpvmAlgorithmTests
{
    private static TaskSpec Task(decimal cpu, long memoryMb) => new()
    {
        Name = "t",
        Image = "busybox",
        Resources = new ResourceRequest { Cpu = cpu, MemoryMb = memoryMb, DiskMb = 0 },
    };

    [Fact]
    public void Epvm_picks_the_node_where_adding_the_task_costs_least()
    {
        // Task 1 cpu, 1024 MiB on 4-core 4096 MiB nodes: maxJobs = min(4/1, 4096/1024) = 4.
        // node-1: mem .50->.75, cpu .50->.75, jobs 2/4->3/4: 4 × 0.1413464 = 0.5653855
        // node-2: mem .75->1, cpu .25->.50, jobs 1/4->2/4: 0.1574479 + 3 × 0.1268916 = 0.5381225
        // node-3: mem 0->.25, cpu .75->1, jobs 1/4->2/4: 0.1139149 + 0.1574479 + 2 × 0.1268916 = 0.5251459
        // Spread would take node-1 (its fuller dimension ends at .75, the others' at 1); E-PVM takes node-3.
        var nodes = new[]
        {
            Node(1, allocatedCpu: 2m, allocatedMemoryMb: 2048) with { TaskCount = 2 },
            Node(2, allocatedCpu: 1m, allocatedMemoryMb: 3072) with { TaskCount = 1 },
            Node(3, allocatedCpu: 3m, allocatedMemoryMb: 0) with { TaskCount = 1 },
        };
        var task = Task(cpu: 1m, memoryMb: 1024);
        var epvm = new EpvmAlgorithm();

        var scores = epvm.Score(task, nodes);

        Assert.Equal(0.5653855, scores[0], 1e-6);
        Assert.Equal(0.5381225, scores[1], 1e-6);
        Assert.Equal(0.5251459, scores[2], 1e-6);
        Assert.Equal("node-3", PlacementDecision.Decide(epvm, task, nodes).Node!.Name);
    }

    [Fact]
    public void Cpu_load_counts_so_the_less_loaded_of_two_nodes_equal_in_memory_wins()
    {
        // Task 1 cpu, 512 MiB; maxJobs = min(4/1, 4096/512) = 4. Both nodes: mem .25->.375 (0.0617350),
        // jobs 1/4->2/4 (0.1268916, twice). In Cube the cpu terms cancelled, the scores tied and node-1 won.
        // node-1: cpu .75->1:   0.0617350 + 2 × 0.1268916 + 0.1574479 = 0.4729660
        // node-2: cpu .25->.50: 0.0617350 + 2 × 0.1268916 + 0.1268916 = 0.4424097
        var nodes = new[]
        {
            Node(1, allocatedCpu: 3m, allocatedMemoryMb: 1024) with { TaskCount = 1 },
            Node(2, allocatedCpu: 1m, allocatedMemoryMb: 1024) with { TaskCount = 1 },
        };
        var task = Task(cpu: 1m, memoryMb: 512);
        var epvm = new EpvmAlgorithm();

        var scores = epvm.Score(task, nodes);

        Assert.Equal(0.4729660, scores[0], 1e-6);
        Assert.Equal(0.4424097, scores[1], 1e-6);
        Assert.Equal("node-2", PlacementDecision.Decide(epvm, task, nodes).Node!.Name);
    }

    [Fact]
    public void A_configured_max_jobs_prices_each_task_already_on_the_node()
    {
        // maxJobs = 2; task 1 cpu, 1024 MiB on empty allocations: mem 0->.25 and cpu 0->.25 (0.1139149 each).
        // node-1 holds one task that asked for nothing: jobs 1/2->2/2 = 0.2987942, twice -> 0.8254183
        // node-2 holds none:                             jobs 0/2->1/2 = 0.2408065, twice -> 0.7094428
        var nodes = new[] { Node(1) with { TaskCount = 1 }, Node(2) };
        var task = Task(cpu: 1m, memoryMb: 1024);
        var epvm = new EpvmAlgorithm(maxJobs: 2);

        var scores = epvm.Score(task, nodes);

        Assert.Equal(0.8254183, scores[0], 1e-6);
        Assert.Equal(0.7094428, scores[1], 1e-6);
        Assert.Equal("node-2", PlacementDecision.Decide(epvm, task, nodes).Node!.Name);
    }

    [Fact]
    public void Derived_max_jobs_counts_how_many_copies_fit_by_memory_as_well_as_cpu()
    {
        // Task 0.5 cpu, 2048 MiB on 4 cores, 4096 MiB: cpu alone would allow 8, memory allows 2 -> maxJobs = 2.
        // One task holds 0.5 cpu, 1024 MiB: mem .25->.75 = 0.2682379, cpu .125->.25 = 0.0584933,
        // jobs 1/2->2/2 = 0.2987942 twice: 0.2682379 + 0.0584933 + 0.5975884 = 0.9243197.
        // (With maxJobs = 8 the job steps would be 1/8->2/8 = 0.0584933 each, for 0.4437177.)
        var node = Node(1, allocatedCpu: 0.5m, allocatedMemoryMb: 1024) with { TaskCount = 1 };

        var scores = new EpvmAlgorithm().Score(Task(cpu: 0.5m, memoryMb: 2048), [node]);

        Assert.Equal(0.9243197, scores[0], 1e-6);
    }

    [Fact]
    public void Epvm_never_picks_a_node_that_cannot_take_the_task()
    {
        // node-1 (Down) and node-2 (3584 + 1024 > 4096 MiB) would cost least, being empty or nearly so in
        // cpu and jobs, but only node-3 is a candidate.
        var nodes = new[]
        {
            Node(1, status: NodeStatus.Down),
            Node(2, allocatedMemoryMb: 3584),
            Node(3, allocatedCpu: 3m, allocatedMemoryMb: 3072) with { TaskCount = 3 },
        };
        var task = Task(cpu: 1m, memoryMb: 1024);
        var epvm = new EpvmAlgorithm();

        Assert.Equal(["node-3"], CandidateFilter.Feasible(task, nodes).Select(n => n.Name));
        Assert.Equal("node-3", PlacementDecision.Decide(epvm, task, nodes).Node!.Name);
        Assert.False(PlacementDecision.Decide(epvm, task, nodes[..2]).IsPlaced);
    }

    [Fact]
    public void Epvm_ties_go_to_the_first_candidate()
    {
        var task = Task(cpu: 1m, memoryMb: 1024);
        Assert.Equal("node-2", PlacementDecision.Decide(new EpvmAlgorithm(), task, [Node(2), Node(1)]).Node!.Name);
        Assert.Equal("node-1", PlacementDecision.Decide(new EpvmAlgorithm(), task, [Node(1), Node(2)]).Node!.Name);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-1)]
    public void Max_jobs_must_be_positive(int maxJobs) =>
        Assert.Throws<ArgumentOutOfRangeException>(() => new EpvmAlgorithm(maxJobs));
}
