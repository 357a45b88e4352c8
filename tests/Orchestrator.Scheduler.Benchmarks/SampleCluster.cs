using Orchestrator.Domain.Capacity;
using Orchestrator.Domain.Nodes;
using Orchestrator.Domain.Scheduling;
using Orchestrator.Domain.Tasks;

namespace Orchestrator.Scheduler.Benchmarks;

/// <summary>
/// The cluster and task every benchmark places against. The cluster comes from a fixed seed, so each
/// algorithm and each run sees the same nodes.
/// </summary>
internal static class SampleCluster
{
    /// <summary>Half a core and 512 MiB, wanting host port 8080: it exercises every check of the filter.</summary>
    public static readonly TaskSpec Task = new()
    {
        Name = "bench",
        Image = "busybox",
        Resources = new ResourceRequest { Cpu = 0.5m, MemoryMb = 512, DiskMb = 100 },
        Ports = [new PortMapping { ContainerPort = 80, HostPort = 8080 }],
    };

    /// <summary>
    /// Nodes of 2 to 32 cores with 2 or 4 GiB per core, each filled by a random number of tasks of random
    /// sizes; about one node in 30 is Down and one in 10 already holds host port 8080.
    /// </summary>
    public static NodeSnapshot[] Build(int nodeCount)
    {
        var random = new Random(20_240_601);
        return Enumerable.Range(0, nodeCount).Select(i => RandomNode(i, random)).ToArray();
    }

    private static NodeSnapshot RandomNode(int index, Random random)
    {
        int[] coreChoices = [2, 4, 8, 16, 32];
        var cores = coreChoices[random.Next(coreChoices.Length)];
        var allocatable = new Resources(cores, cores * 1024L * (random.Next(2) == 0 ? 2 : 4), 200_000);
        var allocated = Resources.Zero;
        var taskCount = 0;
        var targetTasks = random.Next(cores * 4);
        for (var attempt = 0; attempt < targetTasks; attempt++)
        {
            var request = new Resources(0.25m * (1 + random.Next(4)), 256L << random.Next(4), 100);
            if (!(allocatable - allocated).Fits(request))
                break;
            allocated += request;
            taskCount++;
        }
        var ports = random.Next(10) == 0 ? new HashSet<HostPort> { HostPort.Of(8080, "tcp") } : [];
        var status = random.Next(30) == 0 ? NodeStatus.Down : NodeStatus.Ready;
        var id = new Guid(index + 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0);
        return new NodeSnapshot(id, $"node-{index + 1}", status, allocatable, allocated, ports, taskCount);
    }
}
