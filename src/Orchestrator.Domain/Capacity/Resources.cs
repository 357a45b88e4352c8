using System.Text.Json.Serialization;

namespace Orchestrator.Domain.Capacity;

/// <summary>
/// An amount of compute, in the API's units: cores (0.25 is a quarter of a core), MiB of memory and MiB of disk.
/// The same shape serves for a task's request, a node's capacity and what is allocated on it.
/// </summary>
public sealed record Resources(decimal Cpu, long MemoryMb, long DiskMb)
{
    public static readonly Resources Zero = new(0m, 0, 0);

    /// <summary>What a task gets when it names no resources.</summary>
    public static readonly Resources DefaultRequest = new(0.1m, 64, 100);

    public static Resources operator +(Resources a, Resources b) =>
        new(a.Cpu + b.Cpu, a.MemoryMb + b.MemoryMb, a.DiskMb + b.DiskMb);

    public static Resources operator -(Resources a, Resources b) =>
        new(a.Cpu - b.Cpu, a.MemoryMb - b.MemoryMb, a.DiskMb - b.DiskMb);

    /// <summary>True when every dimension of <paramref name="request"/> fits within this amount.</summary>
    public bool Fits(Resources request) =>
        request.Cpu <= Cpu && request.MemoryMb <= MemoryMb && request.DiskMb <= DiskMb;

    /// <summary>Names the dimensions in which <paramref name="request"/> does not fit, e.g. "memory".</summary>
    public IReadOnlyList<string> Shortfalls(Resources request)
    {
        var missing = new List<string>(3);
        if (request.Cpu > Cpu) missing.Add("cpu");
        if (request.MemoryMb > MemoryMb) missing.Add("memory");
        if (request.DiskMb > DiskMb) missing.Add("disk");
        return missing;
    }

    public static Resources Sum(IEnumerable<Resources> amounts) => amounts.Aggregate(Zero, (total, next) => total + next);

    /// <summary>Docker's NanoCPUs for this many cores.</summary>
    [JsonIgnore]
    public long NanoCpus => (long)(Cpu * 1_000_000_000m);

    [JsonIgnore]
    public long MemoryBytes => MemoryMb * 1024L * 1024L;
}
