using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Configs;

namespace Orchestrator.Scheduler.Benchmarks;

/// <summary>Adds operations per second, here decisions per second, beside the mean time.</summary>
internal sealed class DecisionsPerSecondConfig : ManualConfig
{
    public DecisionsPerSecondConfig() => AddColumn(StatisticColumn.OperationsPerSecond);
}
