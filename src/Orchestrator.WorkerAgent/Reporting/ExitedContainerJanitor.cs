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
    ILogger<ExitedContainerJanitor> logger) : PeriodicBackgroundService(clock)
{
    private readonly Dictionary<string, DateTimeOffset> _firstSeenExited = [];

    // A tenth of the retention, between 1 s and 1 min: a container outlives its retention by at most that.
    protected override TimeSpan Interval =>
        TimeSpan.FromSeconds(Math.Clamp(options.Value.ExitedContainerRetention.TotalSeconds / 10, 1, 60));

    protected override Task RunOnceAsync(CancellationToken cancellationToken) =>
        SweepAsync(options.Value.ExitedContainerRetention, cancellationToken);

    protected override void OnRunFailed(Exception error) => logger.LogWarning(error, "Sweeping exited containers failed");

    private async Task SweepAsync(TimeSpan retention, CancellationToken cancellationToken)
    {
        var now = Clock.GetUtcNow();
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
