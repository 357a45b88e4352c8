using Microsoft.Extensions.Options;

namespace Orchestrator.Scheduler.Placement;

/// <summary>
/// Level-triggered repair: runs a placement pass on a timer, so a Pending task is placed even if the event
/// that should have woken the Scheduler was lost.
/// </summary>
public sealed class PendingTaskSweeper(PlacementPass pass, IOptions<SchedulerOptions> options, ILogger<PendingTaskSweeper> logger)
    : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.Value.SweepInterval);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                try
                {
                    await pass.RunAsync(stoppingToken);
                }
                catch (Exception error) when (error is not OperationCanceledException)
                {
                    logger.LogWarning(error, "Placement sweep failed; trying again at the next tick");
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }
}
