using Microsoft.Extensions.Options;
using Orchestrator.Domain.Capacity;
using Orchestrator.WorkerAgent;
using Orchestrator.WorkerAgent.Host;

namespace Orchestrator.WorkerAgent.Tests;

/// <summary>What a node reports it has: detected, overridden per resource, and less its reservations.</summary>
public sealed class NodeResourcesTests
{
    private static readonly Resources Detected = new(8m, 16_384, 100_000);

    [Fact]
    public void A_capacity_configured_in_full_is_reported_without_reading_the_host()
    {
        var host = new CountingHost();
        var resources = new NodeResources(host, Options.Create(new AgentOptions
        {
            Capacity = new AgentOptions.ResourceAmounts { Cpu = 256m, MemoryMb = 1_048_576, DiskMb = 1_048_576 },
        }));

        Assert.Equal(new Resources(256m, 1_048_576, 1_048_576), resources.Capacity());
        Assert.Equal(0, host.CapacityReads);
    }

    [Fact]
    public void A_resource_left_unconfigured_is_the_host_s_own_and_reservations_come_off_down_to_zero()
    {
        var host = new CountingHost();
        var resources = new NodeResources(host, Options.Create(new AgentOptions
        {
            Capacity = new AgentOptions.ResourceAmounts { Cpu = 4m },
            Reserved = new AgentOptions.ResourceAmounts { Cpu = 0.5m, MemoryMb = 20_000 },
        }));

        var capacity = resources.Capacity();

        Assert.Equal(new Resources(4m, Detected.MemoryMb, Detected.DiskMb), capacity);
        Assert.Equal(1, host.CapacityReads);
        Assert.Equal(new Resources(3.5m, 0, Detected.DiskMb), resources.Allocatable(capacity));
    }

    private sealed class CountingHost : IHostResources
    {
        public int CapacityReads { get; private set; }

        public Resources ReadCapacity()
        {
            CapacityReads++;
            return Detected;
        }

        public Resources ReadUsage() => Resources.Zero;
    }
}
