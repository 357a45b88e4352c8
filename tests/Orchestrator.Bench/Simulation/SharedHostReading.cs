using Orchestrator.Domain.Capacity;
using Orchestrator.WorkerAgent.Host;

namespace Orchestrator.Bench.Simulation;

/// <summary>
/// This machine's readings, taken at most once per <paramref name="maxAge"/> for every simulated agent of a pool. A
/// thousand real agents read their own /proc on their own cores; read for each heartbeat here (a thousand a second at
/// 5,000 nodes), it took a twentieth of this machine's CPU, which the figures then charged to the control plane.
/// </summary>
public sealed class SharedHostReading(IHostResources host, TimeSpan maxAge, TimeProvider clock) : IHostResources
{
    private readonly Lock _gate = new();
    private (Resources Value, long At)? _capacity;
    private (Resources Value, long At)? _usage;

    public Resources ReadCapacity() => Cached(ref _capacity, host.ReadCapacity);

    public Resources ReadUsage() => Cached(ref _usage, host.ReadUsage);

    private Resources Cached(ref (Resources Value, long At)? reading, Func<Resources> read)
    {
        lock (_gate)
        {
            if (reading is not { } last || clock.GetElapsedTime(last.At) > maxAge)
                reading = last = (read(), clock.GetTimestamp());
            return last.Value;
        }
    }
}
