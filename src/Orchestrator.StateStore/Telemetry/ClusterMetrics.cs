using System.Diagnostics.Metrics;
using Orchestrator.Domain.Nodes;
using Orchestrator.Domain.Tasks;

namespace Orchestrator.StateStore.Telemetry;

/// <summary>
/// Gauges of the cluster as the database holds it: tasks by state, each node's heartbeat age and its containers of
/// unknown tasks, each job's wanted and Running tasks, and the outbox backlog. <see cref="ClusterMetricsCollector"/> reads the database and hands over a
/// snapshot; the gauges are observed from the latest one, so an exporter's scrape never waits on a query.
/// </summary>
public sealed class ClusterMetrics
{
    public const string TasksName = "orchestrator.tasks";
    public const string HeartbeatAgeName = "orchestrator.node.heartbeat.age";
    public const string UnknownContainersName = "orchestrator.node.unknown_containers";
    public const string OutboxBacklogName = "orchestrator.outbox.backlog";
    public const string JobTasksName = "orchestrator.job.tasks";

    private readonly TimeProvider _clock;
    private volatile ClusterSnapshot? _snapshot;

    public ClusterMetrics(IMeterFactory meters, TimeProvider clock)
    {
        _clock = clock;
        var meter = meters.Create(StateStoreTelemetry.SourceName);
        meter.CreateObservableGauge(TasksName, ObserveTasks, "{task}", "Tasks in each state");
        meter.CreateObservableGauge(HeartbeatAgeName, ObserveHeartbeatAges, "s", "Time since each node's last heartbeat");
        meter.CreateObservableGauge(UnknownContainersName, ObserveUnknownContainers, "{container}",
            "Containers each node runs for tasks the control plane does not know, left running");
        meter.CreateObservableGauge(OutboxBacklogName, ObserveOutbox, "{message}", "Committed messages not yet dispatched to the bus");
        meter.CreateObservableGauge(JobTasksName, ObserveJobs, "{task}", "Each job's wanted count (kind=wanted) and its tasks Running (kind=running)");
    }

    /// <summary>The cluster's figures now; null while another StateStore reports them, so they are counted once.</summary>
    public void Update(ClusterSnapshot? snapshot) => _snapshot = snapshot;

    /// <summary>The latest snapshot read, null before the first.</summary>
    public ClusterSnapshot? Current => _snapshot;

    private IEnumerable<Measurement<long>> ObserveTasks()
    {
        if (_snapshot is not { } snapshot)
            yield break;
        // Every state, zeros included, so that a state's line drops to zero rather than vanishing.
        foreach (var state in Enum.GetValues<TaskState>())
            yield return new Measurement<long>(snapshot.TasksByState.GetValueOrDefault(state), new KeyValuePair<string, object?>("state", state.ToString()));
    }

    private IEnumerable<Measurement<double>> ObserveHeartbeatAges()
    {
        if (_snapshot is not { } snapshot)
            yield break;
        var now = _clock.GetUtcNow();
        foreach (var node in snapshot.Nodes)
        {
            yield return new Measurement<double>(
                Math.Max(0, (now - node.LastHeartbeatAt).TotalSeconds),
                new KeyValuePair<string, object?>("node.name", node.Name),
                new KeyValuePair<string, object?>("node.id", node.Id.ToString()),
                new KeyValuePair<string, object?>("node.status", node.Status.ToString()));
        }
    }

    private IEnumerable<Measurement<long>> ObserveUnknownContainers()
    {
        if (_snapshot is not { } snapshot)
            yield break;
        foreach (var node in snapshot.Nodes)
            yield return new Measurement<long>(
                node.UnknownContainers,
                new KeyValuePair<string, object?>("node.name", node.Name),
                new KeyValuePair<string, object?>("node.id", node.Id.ToString()));
    }

    private IEnumerable<Measurement<long>> ObserveJobs()
    {
        if (_snapshot is not { } snapshot)
            yield break;
        foreach (var job in snapshot.Jobs)
        {
            var name = new KeyValuePair<string, object?>("job.name", job.Name);
            yield return new Measurement<long>(job.Wanted, name, new KeyValuePair<string, object?>("kind", "wanted"));
            yield return new Measurement<long>(job.Running, name, new KeyValuePair<string, object?>("kind", "running"));
        }
    }

    private IEnumerable<Measurement<long>> ObserveOutbox()
    {
        if (_snapshot is { } snapshot)
            yield return new Measurement<long>(snapshot.OutboxBacklog);
    }
}

public sealed record ClusterSnapshot(
    IReadOnlyDictionary<TaskState, long> TasksByState,
    IReadOnlyList<NodeHeartbeatSnapshot> Nodes,
    long OutboxBacklog,
    IReadOnlyList<JobSnapshot> Jobs);

public sealed record NodeHeartbeatSnapshot(Guid Id, string Name, NodeStatus Status, DateTimeOffset LastHeartbeatAt, int UnknownContainers);

public sealed record JobSnapshot(string Name, long Wanted, long Running);
