using MassTransit;
using Microsoft.Extensions.Options;
using Orchestrator.Contracts;
using Orchestrator.Domain.Nodes;
using Orchestrator.WorkerAgent.Host;
using Orchestrator.Domain.Tasks;
using Orchestrator.WorkerAgent.Runtime;
using Orchestrator.WorkerAgent.Supervision;

namespace Orchestrator.WorkerAgent.Reporting;

/// <summary>
/// Every interval: the node's capacity, allocatable and usage, and the full list of its containers, so that
/// StateStore can compare it with what it believes. The first heartbeat registers the node.
/// </summary>
public sealed class HeartbeatPublisher(
    IBus bus,
    IContainerRuntime runtime,
    TaskSupervisor supervisor,
    NodeResources resources,
    NodeIdentity node,
    IOptions<AgentOptions> options,
    TimeProvider clock,
    ILogger<HeartbeatPublisher> logger) : PeriodicBackgroundService(clock)
{
    protected override TimeSpan Interval => options.Value.HeartbeatInterval;

    // The first heartbeat registers the node: at once.
    protected override bool RunsAtStart => true;

    // Not written to the broker's disk: a heartbeat lost with a broker restart is replaced by the next one, and at
    // a thousand nodes they are most of what the broker carries.
    protected override async Task RunOnceAsync(CancellationToken cancellationToken)
    {
        var started = Clock.GetTimestamp();
        var heartbeat = await BuildAsync(cancellationToken);
        var built = Clock.GetElapsedTime(started);
        // Bounded by the interval: a publish stuck on a dead channel must not stop every heartbeat after it, and one
        // that late is worth less than the next.
        await BoundedSend.WithinAsync(
            token => bus.Publish(heartbeat, context => context.Durable = false, token), Interval, "Publishing a heartbeat", cancellationToken);
        var took = Clock.GetElapsedTime(started);
        // The next heartbeat waits for this one, so StateStore has heard nothing from the node meanwhile: worth a
        // line, since a silence of the node's TTL gets it marked Down.
        if (took > Interval)
            logger.LogWarning(
                "Heartbeat of node {NodeName} took {Seconds:F1} s ({BuildSeconds:F1} s to build, the rest to publish), more than its interval",
                node.Name, took.TotalSeconds, built.TotalSeconds);
    }

    protected override void OnRunFailed(Exception error) =>
        logger.LogWarning(error, "Heartbeat of node {NodeName} failed", node.Name);

    private async Task<NodeHeartbeat> BuildAsync(CancellationToken cancellationToken)
    {
        var capacity = resources.Capacity();
        // Read before the containers: a start that ends in between then shows as its container.
        var starting = supervisor.StartsUnderWay();
        var owned = await runtime.ListAsync(cancellationToken);
        supervisor.ForgetContainersExcept(owned.Select(c => c.ContainerId).ToHashSet());
        var containers = owned.Select(Report).ToList();
        return new NodeHeartbeat(
            node.Id, node.Name, capacity, resources.Allocatable(capacity), resources.Usage(), containers, Clock.GetUtcNow(),
            options.Value.Labels, HostVolumesOf(options.Value), node.Address, options.Value.Datacenter, starting);
    }

    /// <summary>The host volumes the agent offers, in name order so that an unchanged set reads the same each time.</summary>
    private static List<HostVolume> HostVolumesOf(AgentOptions options) =>
        options.HostVolumes
            .OrderBy(volume => volume.Key, StringComparer.Ordinal)
            .Select(volume => new HostVolume(volume.Key, volume.Value.Path, volume.Value.ReadOnly))
            .ToList();

    /// <summary>
    /// A container waiting out a restart backoff is still the task's: it is reported as running. So is one being
    /// stopped: the stop reports its exit with the code the engine recorded, and until then a listing can catch the
    /// container exited or half removed, whose status carries no exit code ("Removal In Progress"). StateStore would
    /// take that for the exit and end the task without its code before the stop's report arrived.
    /// </summary>
    private ContainerReport Report(OwnedContainer container)
    {
        var supervision = supervisor.Find(container.ContainerId);
        var running = container.Running || supervision is not null || supervisor.IsStarting(container.TaskId, container.Attempt)
            || supervisor.IsStopping(container.TaskId, container.Attempt);
        var reported = running ? null : supervisor.ReportedExitOf(container.ContainerId);
        var probe = supervision?.LastProbe;
        return new ContainerReport(
            container.TaskId, container.Attempt, container.ContainerId, running, running ? null : container.ExitCode,
            probe?.Health ?? HealthStatus.Unknown, probe?.At, probe?.Result,
            ExitReported: reported is not null,
            Ports: running ? container.Ports : null,
            ExitReportedAt: reported?.At,
            ExitReport: reported?.Report);
    }
}
