using Orchestrator.Domain.Scheduling.Algorithms;

namespace Orchestrator.Domain.Scheduling;

/// <summary>The algorithms by the names configuration uses (<c>Scheduler:Algorithm</c>).</summary>
public static class PlacementAlgorithms
{
    public static IReadOnlyList<string> Names { get; } = ["Spread", "RoundRobin", "Epvm", "BinPack"];

    public static IPlacementAlgorithm Create(string name) => name.ToLowerInvariant() switch
    {
        "spread" => new SpreadAlgorithm(),
        "roundrobin" or "round-robin" => new RoundRobinAlgorithm(),
        "epvm" or "e-pvm" => new EpvmAlgorithm(),
        "binpack" or "bin-pack" => new BinPackAlgorithm(),
        _ => throw new ArgumentException(
            $"Unknown placement algorithm '{name}'. Known: {string.Join(", ", Names)}.", nameof(name)),
    };
}
