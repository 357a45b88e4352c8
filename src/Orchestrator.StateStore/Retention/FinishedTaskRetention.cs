using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Orchestrator.Domain.Jobs;
using Orchestrator.StateStore.Leadership;
using Orchestrator.StateStore.Persistence;

namespace Orchestrator.StateStore.Retention;

/// <summary>
/// Removes tasks that finished longer ago than <see cref="RetentionOptions.FinishedTasks"/>, with their events (the
/// foreign key cascades), so the tables, the task list's scans and the metrics' counts stay bounded on a cluster that
/// runs for years. It runs on the StateStore that leads (<see cref="LeaseKeeper"/>), in batches, oldest first.
/// </summary>
public sealed class FinishedTaskRetention(
    IServiceScopeFactory scopes, LeaseKeeper leadership, IOptions<RetentionOptions> options, TimeProvider clock,
    ILogger<FinishedTaskRetention> logger)
    : PeriodicBackgroundService(clock)
{
    protected override TimeSpan Interval => options.Value.Interval;

    protected override void OnRunFailed(Exception error) => logger.LogWarning(error, "Removing finished tasks failed; the next pass tries again");

    protected override async Task RunOnceAsync(CancellationToken cancellationToken)
    {
        var settings = options.Value;
        if (!leadership.Leads || settings.FinishedTasks <= TimeSpan.Zero)
            return;
        var cutoff = Clock.GetUtcNow() - settings.FinishedTasks;
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<OrchestratorDbContext>();
        var total = 0;
        int removed;
        do
        {
            removed = await RemoveAsync(db, cutoff, settings.BatchSize, cancellationToken);
            total += removed;
        }
        while (removed == settings.BatchSize && !cancellationToken.IsCancellationRequested);
        if (total > 0)
            logger.LogInformation("Removed {Count} tasks that finished before {Cutoff:u}, with their history", total, cutoff);
    }

    /// <summary>
    /// Removes at most <paramref name="batchSize"/> tasks that finished before <paramref name="cutoff"/>, oldest first,
    /// but none of a batch job that still exists; returns how many.
    /// </summary>
    public static Task<int> RemoveAsync(OrchestratorDbContext db, DateTimeOffset cutoff, int batchSize, CancellationToken cancellationToken)
    {
        var doomed = db.Tasks
            .Where(t => t.FinishedAt < cutoff)
            .Where(t => t.JobName == null || !db.Jobs.Any(j => j.Name == t.JobName && j.Type == JobType.Batch))
            .OrderBy(t => t.FinishedAt)
            .Take(batchSize)
            .Select(t => t.Id);
        return db.Tasks.Where(t => doomed.Contains(t.Id)).ExecuteDeleteAsync(cancellationToken);
    }
}
