using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Orchestrator.StateStore.Persistence;

namespace Orchestrator.StateStore.Telemetry;

public sealed class ClusterMetricsOptions
{
    public const string Section = "StateStore:Metrics";

    /// <summary>How often the gauges' snapshot is read from the database.</summary>
    public TimeSpan RefreshInterval { get; set; } = TimeSpan.FromSeconds(5);
}

/// <summary>Reads the snapshot behind <see cref="ClusterMetrics"/> from the database, every refresh interval.</summary>
public sealed class ClusterMetricsCollector(
    IServiceScopeFactory scopes,
    ClusterMetrics metrics,
    IOptions<ClusterMetricsOptions> options,
    TimeProvider clock,
    ILogger<ClusterMetricsCollector> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.Value.RefreshInterval, clock);
        try
        {
            do
            {
                try
                {
                    metrics.Update(await ReadAsync(stoppingToken));
                }
                catch (Exception error) when (error is not OperationCanceledException)
                {
                    // Before the schema exists, or while the database restarts: the gauges keep their last values.
                    logger.LogDebug(error, "Reading the cluster's metrics failed");
                }
            }
            while (await timer.WaitForNextTickAsync(stoppingToken));
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    private async Task<ClusterSnapshot> ReadAsync(CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<OrchestratorDbContext>();
        var tasks = await db.Tasks.AsNoTracking()
            .GroupBy(t => t.State)
            .Select(g => new { State = g.Key, Count = g.LongCount() })
            .ToDictionaryAsync(g => g.State, g => g.Count, cancellationToken);
        var nodes = await db.Nodes.AsNoTracking()
            .Select(n => new NodeHeartbeatSnapshot(n.Id, n.Name, n.Status, n.LastHeartbeatAt))
            .ToListAsync(cancellationToken);
        var backlog = await db.Outbox.LongCountAsync(cancellationToken);
        return new ClusterSnapshot(tasks, nodes, backlog);
    }
}
