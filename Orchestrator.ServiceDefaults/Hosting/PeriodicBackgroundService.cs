using Microsoft.Extensions.Logging;

namespace Microsoft.Extensions.Hosting;

/// <summary>
/// A background service that does one piece of work every <see cref="Interval"/> until the host stops. A run
/// that throws is reported through <see cref="OnRunFailed"/> and the next tick simply tries again: periodic work
/// here is level-triggered, so the next run repairs what a failed one left.
/// </summary>
public abstract class PeriodicBackgroundService(TimeProvider clock) : BackgroundService
{
    protected TimeProvider Clock => clock;

    protected abstract TimeSpan Interval { get; }

    /// <summary>Whether the first run is at start, rather than one interval after it.</summary>
    protected virtual bool RunsAtStart => false;

    protected abstract Task RunOnceAsync(CancellationToken cancellationToken);

    protected abstract void OnRunFailed(Exception error);

    protected sealed override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(Interval, clock);
        try
        {
            if (RunsAtStart)
                await RunGuardedAsync(stoppingToken);
            while (await timer.WaitForNextTickAsync(stoppingToken))
                await RunGuardedAsync(stoppingToken);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    private async Task RunGuardedAsync(CancellationToken stoppingToken)
    {
        try
        {
            await RunOnceAsync(stoppingToken);
        }
        catch (Exception error) when (error is not OperationCanceledException)
        {
            OnRunFailed(error);
        }
    }
}
