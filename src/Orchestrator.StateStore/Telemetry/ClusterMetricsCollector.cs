using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Orchestrator.Domain.Tasks;
using Orchestrator.StateStore.Leadership;
using Orchestrator.StateStore.Persistence;

namespace Orchestrator.StateStore.Telemetry;

public sealed class ClusterMetricsOptions
{
    public const string Section = "StateStore:Metrics";

    /// <summary>How often the gauges' snapshot is read from the database.</summary>
    [Positive]
    public TimeSpan RefreshInterval { get; set; } = TimeSpan.FromSeconds(5);
}

/// <summary>
/// Reads the snapshot behind <see cref="ClusterMetrics"/> from the database, every refresh interval, on the StateStore
/// that leads (<see cref="LeaseKeeper"/>): the others report no cluster figures, so a dashboard that adds up the
/// instances counts every task once.
/// </summary>
public sealed class ClusterMetricsCollector(
    IServiceScopeFactory scopes,
    ClusterMetrics metrics,
    LeaseKeeper leadership,
    IOptions<ClusterMetricsOptions> options,
    TimeProvider clock,
    ILogger<ClusterMetricsCollector> logger) : PeriodicBackgroundService(clock)
{
    protected override TimeSpan Interval => options.Value.RefreshInterval;

    protected override async Task RunOnceAsync(CancellationToken cancellationToken) =>
        metrics.Update(leadership.Leads ? await ReadAsync(cancellationToken) : null);

    // Before the schema exists, or while the database restarts: the gauges keep their last values.
    protected override void OnRunFailed(Exception error) => logger.LogDebug(error, "Reading the cluster's metrics failed");

    private async Task<ClusterSnapshot> ReadAsync(CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<OrchestratorDbContext>();
        var tasks = await db.Tasks.AsNoTracking()
            .GroupBy(t => t.State)
            .Select(g => new { State = g.Key, Count = g.LongCount() })
            .ToDictionaryAsync(g => g.State, g => g.Count, cancellationToken);
        var nodes = (await db.Nodes.AsNoTracking()
                .Select(n => new { n.Id, n.Name, n.Status, n.LastHeartbeatAt, n.UnknownContainers })
                .ToListAsync(cancellationToken))
            .Select(n => new NodeHeartbeatSnapshot(n.Id, n.Name, n.Status, n.LastHeartbeatAt, n.UnknownContainers.Count))
            .ToList();
        var backlog = await db.Outbox.LongCountAsync(cancellationToken);
        var running = await db.Tasks.AsNoTracking()
            .Where(t => t.JobName != null && t.State == TaskState.Running && t.DesiredState == DesiredState.Running)
            .GroupBy(t => t.JobName!)
            .Select(g => new { Job = g.Key, Count = g.LongCount() })
            .ToDictionaryAsync(g => g.Job, g => g.Count, cancellationToken);
        var jobs = await db.Jobs.AsNoTracking()
            .Select(j => new { j.Name, j.Count })
            .ToListAsync(cancellationToken);
        return new ClusterSnapshot(tasks, nodes, backlog,
            jobs.Select(j => new JobSnapshot(j.Name, j.Count, running.GetValueOrDefault(j.Name))).ToList());
    }
}
