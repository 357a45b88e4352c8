using Microsoft.Extensions.Options;
using Orchestrator.Domain.Capacity;

namespace Orchestrator.WorkerAgent.Host;

/// <summary>Capacity as detected or overridden, and what the node may hand out after reservations.</summary>
public sealed class NodeResources(IHostResources host, IOptions<AgentOptions> options)
{
    public Resources Capacity()
    {
        var overrides = options.Value.Capacity;
        if (overrides is { Cpu: { } cpu, MemoryMb: { } memoryMb, DiskMb: { } diskMb })
            return new Resources(cpu, memoryMb, diskMb);
        var detected = host.ReadCapacity();
        return new Resources(
            overrides.Cpu ?? detected.Cpu,
            overrides.MemoryMb ?? detected.MemoryMb,
            overrides.DiskMb ?? detected.DiskMb);
    }

    public Resources Allocatable(Resources capacity)
    {
        var reserved = options.Value.Reserved;
        var left = capacity - new Resources(reserved.Cpu ?? 0, reserved.MemoryMb ?? 0, reserved.DiskMb ?? 0);
        return new Resources(Math.Max(0, left.Cpu), Math.Max(0, left.MemoryMb), Math.Max(0, left.DiskMb));
    }

    public Resources Usage() => host.ReadUsage();
}
