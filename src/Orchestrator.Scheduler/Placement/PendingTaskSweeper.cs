using Microsoft.Extensions.Options;

namespace Orchestrator.Scheduler.Placement;

/// <summary>
/// Level-triggered repair: runs a placement pass on a timer, so a Pending task is placed even if the event
/// that should have woken the Scheduler was lost.
/// </summary>
public sealed class PendingTaskSweeper(PlacementPass pass, IOptions<SchedulerOptions> options, ILogger<PendingTaskSweeper> logger)
    : PeriodicBackgroundService(TimeProvider.System), IHostedLifecycleService
{
    protected override TimeSpan Interval => options.Value.SweepInterval;

    protected override Task RunOnceAsync(CancellationToken cancellationToken) => pass.RunAsync(cancellationToken);

    protected override void OnRunFailed(Exception error) =>
        logger.LogWarning(error, "Placement sweep failed; trying again at the next tick");

    /// <summary>
    /// Before the host stops any service (the bus among them), this Scheduler leaves the Pending queue's sharing, so
    /// that a restart or a rolling deploy does not leave its share waiting for its membership to run out.
    /// </summary>
    public Task StoppingAsync(CancellationToken cancellationToken) => pass.LeaveAsync(cancellationToken);

    public Task StartingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StartedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

}
