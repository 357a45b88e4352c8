using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Orchestrator.StateStore.Leadership;
using Orchestrator.StateStore.Persistence;

namespace Orchestrator.StateStore.Jobs;

/// <summary>
/// Reconciles every job on a timer: replaces the tasks that ended, carries rollouts forward as new tasks start
/// running, starts periodic jobs' runs. It runs on the StateStore that leads (<see cref="LeaseKeeper"/>); each job is
/// still its own transaction under its row lock, as the job's commands change it beside the monitor.
/// </summary>
public sealed class JobMonitor(
    IServiceScopeFactory scopes, LeaseKeeper leadership, IOptions<JobOptions> options, TimeProvider clock, ILogger<JobMonitor> logger)
    : PeriodicBackgroundService(clock)
{
    protected override TimeSpan Interval => options.Value.ReconcileInterval;

    protected override void OnRunFailed(Exception error) => logger.LogWarning(error, "Job reconciliation failed");

    protected override async Task RunOnceAsync(CancellationToken cancellationToken)
    {
        if (!leadership.Leads)
            return;
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<OrchestratorDbContext>();
        var names = await db.Jobs.AsNoTracking().OrderBy(j => j.Name).Select(j => j.Name).ToListAsync(cancellationToken);
        foreach (var name in names)
        {
            // A scope per job: a job whose transaction fails leaves nothing behind for the next.
            await using var jobScope = scopes.CreateAsyncScope();
            var transaction = jobScope.ServiceProvider.GetRequiredService<StateTransaction>();
            var reconciler = jobScope.ServiceProvider.GetRequiredService<JobReconciler>();
            try
            {
                await transaction.RunAsync(async _ =>
                {
                    if (await reconciler.LockAsync(name, cancellationToken) is { } job)
                        await reconciler.ReconcileAsync(job, cancellationToken);
                }, cancellationToken);
            }
            catch (Exception error) when (error is not OperationCanceledException)
            {
                logger.LogWarning(error, "Reconciling job {JobName} failed; the next pass tries again", name);
            }
        }
    }
}
