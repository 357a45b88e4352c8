using Orchestrator.Domain.Capacity;

namespace Orchestrator.WorkerAgent.Host;

/// <summary>What the host has and what it uses, read each heartbeat (<see cref="HostResourceReader"/> on a real host).</summary>
public interface IHostResources
{
    Resources ReadCapacity();

    Resources ReadUsage();
}
