using Orchestrator.Domain.Capacity;

namespace Orchestrator.Bench.Simulation;

/// <summary>How simulated nodes behave: how big they are, how fast their containers start, how often they heartbeat.</summary>
public sealed record SimulationSettings
{
    /// <summary>A node far larger than any bench fills, so capacity never limits placement.</summary>
    public Resources NodeCapacity { get; init; } = new(256m, 1024 * 1024, 1024 * 1024);

    public TimeSpan StartDelay { get; init; } = TimeSpan.Zero;

    public TimeSpan HeartbeatInterval { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>How many agents share one bus connection.</summary>
    public int AgentsPerPool { get; init; } = 250;

    /// <summary>A node gets few commands at a time; a small prefetch keeps a thousand channels cheap.</summary>
    public ushort PrefetchPerAgent { get; init; } = 4;

    public string DataPath { get; init; } = Path.Combine(Path.GetTempPath(), "orchestrator-bench-agents");
}
