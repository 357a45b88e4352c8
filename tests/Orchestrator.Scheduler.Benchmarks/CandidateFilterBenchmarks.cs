using BenchmarkDotNet.Attributes;
using Orchestrator.Domain.Scheduling;

namespace Orchestrator.Scheduler.Benchmarks;

/// <summary>
/// The feasibility filter alone, the first step every algorithm shares: set against
/// <see cref="PlacementBenchmarks"/>, it shows how much of a decision is filtering and how much is scoring.
/// </summary>
[MemoryDiagnoser]
[Config(typeof(DecisionsPerSecondConfig))]
public class CandidateFilterBenchmarks
{
    private NodeSnapshot[] _nodes = [];

    [Params(10, 100, 1000, 10000)]
    public int Nodes { get; set; }

    [GlobalSetup]
    public void BuildCluster() => _nodes = SampleCluster.Build(Nodes);

    [Benchmark]
    public int Feasible() => CandidateFilter.Feasible(SampleCluster.Task, _nodes).Count;
}
