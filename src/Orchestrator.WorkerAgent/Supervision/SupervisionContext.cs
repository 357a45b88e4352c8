using MassTransit;
using Orchestrator.Contracts;
using Orchestrator.WorkerAgent.Runtime;

namespace Orchestrator.WorkerAgent.Supervision;

/// <summary>
/// What every container's supervision on this node works with: the runtime, the probe, where reports go, the
/// restart counts that outlive the agent, the node's id and the clock.
/// </summary>
public sealed record SupervisionContext(
    IContainerRuntime Runtime,
    HealthProber Prober,
    ISendEndpointProvider Reports,
    RestartLedger Restarts,
    Guid NodeId,
    TimeProvider Clock,
    ILogger Logger);

/// <summary>
/// The little a supervision asks of the supervisor that owns it: whether the user is stopping the attempt (the stop
/// then reports the exit), and to keep the exit it reported, for the heartbeats.
/// </summary>
public interface ISupervisionOwner
{
    bool IsStopping(Guid taskId, int attempt);

    void RecordReportedExit(string containerId, TaskExited report);
}
