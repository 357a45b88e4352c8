using Microsoft.Extensions.Options;

namespace Orchestrator.Scheduler.Placement;

/// <summary>
/// Level-triggered repair: runs a placement pass on a timer, so a Pending task is placed even if the event
/// that should have woken the Scheduler was lost.
/// </summary>
public sealed class PendingTaskSweeper(PlacementPass pass, IOptions<SchedulerOptions> options, ILogger<PendingTaskSweeper> logger)
    : PeriodicBackgroundService(TimeProvider.System)
{
    protected override TimeSpan Interval => options.Value.SweepInterval;

    protected override Task RunOnceAsync(CancellationToken cancellationToken) => pass.RunAsync(cancellationToken);

    protected override void OnRunFailed(Exception error) =>
        logger.LogWarning(error, "Placement sweep failed; trying again at the next tick");

}
