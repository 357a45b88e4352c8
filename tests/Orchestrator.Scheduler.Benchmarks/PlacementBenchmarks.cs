using BenchmarkDotNet.Attributes;
using Orchestrator.Domain.Scheduling;

namespace Orchestrator.Scheduler.Benchmarks;

/// <summary>One placement decision (filter, score, pick) for each algorithm against 10 to 10,000 nodes.</summary>
[MemoryDiagnoser]
[Config(typeof(DecisionsPerSecondConfig))]
public class PlacementBenchmarks
{
    private IPlacementAlgorithm _algorithm = null!;
    private NodeSnapshot[] _nodes = [];

    [ParamsSource(nameof(AlgorithmNames))]
    public string Algorithm { get; set; } = "";

    [Params(10, 100, 1000, 10000)]
    public int Nodes { get; set; }

    public static IEnumerable<string> AlgorithmNames => PlacementAlgorithms.Names;

    [GlobalSetup]
    public void BuildCluster()
    {
        _algorithm = PlacementAlgorithms.Create(Algorithm);
        _nodes = SampleCluster.Build(Nodes);
        if (!PlacementDecision.Decide(_algorithm, SampleCluster.Task, _nodes).IsPlaced)
            throw new InvalidOperationException("The sample cluster has no room for the task.");
    }

    [Benchmark]
    public PlacementDecision Decide() => PlacementDecision.Decide(_algorithm, SampleCluster.Task, _nodes);
}
