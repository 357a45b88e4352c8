using Microsoft.Extensions.Options;
using Orchestrator.WorkerAgent.Runtime;
using Orchestrator.WorkerAgent.Supervision;

namespace Orchestrator.WorkerAgent.Reporting;

/// <summary>
/// Keeps the last container of a finished task for its logs, and removes it once the retention period has
/// passed. A container waiting out a restart backoff is never touched.
/// </summary>
public sealed class ExitedContainerJanitor(
    IContainerRuntime runtime,
    TaskSupervisor supervisor,
    IOptions<AgentOptions> options,
    TimeProvider clock,
    ILogger<ExitedContainerJanitor> logger) : BackgroundService
{
    private readonly Dictionary<string, DateTimeOffset> _firstSeenExited = [];

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var retention = options.Value.ExitedContainerRetention;
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(Math.Clamp(retention.TotalSeconds / 10, 1, 60)), clock);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                try
                {
                    await SweepAsync(retention, stoppingToken);
                }
                catch (Exception error) when (error is not OperationCanceledException)
                {
                    logger.LogWarning(error, "Sweeping exited containers failed");
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    private async Task SweepAsync(TimeSpan retention, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        var exited = (await runtime.ListAsync(cancellationToken))
            .Where(c => !c.Running && !supervisor.IsSupervised(c.ContainerId))
            .ToList();
        // The list API gives no finish time; the first sweep that sees a container exited starts its clock.
        foreach (var gone in _firstSeenExited.Keys.Except(exited.Select(c => c.ContainerId)).ToList())
            _firstSeenExited.Remove(gone);
        foreach (var container in exited)
        {
            var since = _firstSeenExited.TryAdd(container.ContainerId, now) ? now : _firstSeenExited[container.ContainerId];
            if (now - since < retention)
                continue;
            await runtime.RemoveAsync(container.ContainerId, cancellationToken);
            _firstSeenExited.Remove(container.ContainerId);
            logger.LogInformation("Removed exited container {ContainerId} of task {TaskId} after {Retention}", container.ContainerId, container.TaskId, retention);
        }
    }
}
