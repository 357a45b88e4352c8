using Orchestrator.Domain.Capacity;
using Orchestrator.Domain.Nodes;
using Orchestrator.Domain.Scheduling;
using Orchestrator.Domain.Tasks;

namespace Orchestrator.Domain.Tests.Scheduling;

internal static class NodeFactory
{
    public static NodeSnapshot Node(
        int number, decimal cpu = 4m, long memoryMb = 4096, decimal allocatedCpu = 0m, long allocatedMemoryMb = 0,
        NodeStatus status = NodeStatus.Ready, int[]? usedPorts = null) =>
        new(
            new Guid($"00000000-0000-0000-0000-{number:D12}"),
            $"node-{number}",
            status,
            new Resources(cpu, memoryMb, 100_000),
            new Resources(allocatedCpu, allocatedMemoryMb, 0),
            (usedPorts ?? []).Select(port => HostPort.Of(port, "tcp")).ToHashSet(),
            TaskCount: 0);
}
