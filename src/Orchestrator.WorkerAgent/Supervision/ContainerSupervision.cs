using Orchestrator.Contracts;
using Orchestrator.WorkerAgent.Reporting;
using Orchestrator.Domain.Tasks;

namespace Orchestrator.WorkerAgent.Supervision;

/// <summary>
/// The life of one container on this node: wait for its exit while probing its health, then restart it after a
/// backoff or report the final exit, as the task's restart policy decides.
/// </summary>
public sealed class ContainerSupervision(
    Guid taskId, int attempt, string containerId, TaskSpec spec, SupervisionContext context, ISupervisionOwner owner)
{
    public Guid TaskId { get; } = taskId;
    public int Attempt { get; } = attempt;
    public string ContainerId { get; } = containerId;

    public int RestartCount { get; private set; } = context.Restarts.CountOf(containerId);

    /// <summary>
    /// The health verdict with the probe that led to it, replaced whole after each probe, so a heartbeat built while
    /// a probe is recorded never pairs one probe's time with another's result.
    /// </summary>
    public ProbeReading? LastProbe { get; private set; }

    private HealthTracker? _health;
    private string? _unhealthyBecause;

    public async Task RunAsync(CancellationToken stopping)
    {
        var runtime = context.Runtime;
        var policy = spec.RestartPolicyOrDefault;
        while (true)
        {
            _unhealthyBecause = null;
            LastProbe = LastProbe is null ? null : LastProbe with { Health = HealthStatus.Unknown };
            _health = spec.HealthCheck is { } check ? new HealthTracker(check) : null;
            using var probing = CancellationTokenSource.CreateLinkedTokenSource(stopping);
            var prober = spec.HealthCheck is { } healthCheck ? ProbeUntilUnhealthyAsync(healthCheck, probing.Token) : Task.CompletedTask;

            var exit = await runtime.WaitAsync(ContainerId, stopping);
            await probing.CancelAsync();
            await prober.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            if (owner.IsStopping(TaskId, Attempt))
                return;

            var unhealthy = _unhealthyBecause is not null;
            var cause = unhealthy
                ? $"health check failed: {_unhealthyBecause}"
                : exit.OomKilled ? $"OOMKilled: exited with code {exit.ExitCode}" : $"exited with code {exit.ExitCode}";
            var failed = unhealthy || exit.OomKilled || exit.ExitCode != 0;
            // How long it ran by the engine's clock, not since this supervision began: after an agent restart the
            // supervision of an adopted container begins mid-run, and a run of an hour must still reset the count.
            var decision = RestartDecision.Decide(policy, failed, RestartCount, exit.RanFor, Random.Shared.NextDouble());
            if (!decision.Restart)
            {
                var detail = unhealthy ? cause : null;
                if (decision.Reason.StartsWith("gave up", StringComparison.Ordinal))
                    detail = detail is null ? decision.Reason : $"{detail}; {decision.Reason}";
                var report = new TaskExited(
                    TaskId, context.NodeId, Attempt, ContainerId, exit.ExitCode, exit.OomKilled, null, exit.FinishedAt, detail, unhealthy,
                    exit.Output?.Text, exit.Output?.Cut ?? false);
                await context.Reports.SendReport(report, stopping);
                owner.RecordReportedExit(ContainerId, report);
                return;
            }

            RestartCount = decision.RestartCount;
            context.Restarts.Record(ContainerId, RestartCount);
            await context.Reports.SendReport(new TaskRestarted(
                TaskId, context.NodeId, Attempt, RestartCount, exit.ExitCode, $"{cause}; {decision.Reason}", context.Clock.GetUtcNow(),
                exit.Output?.Text, exit.Output?.Cut ?? false), stopping);
            await Task.Delay(decision.Delay, context.Clock, stopping);
            if (owner.IsStopping(TaskId, Attempt))
                return;
            await runtime.RestartAsync(ContainerId, stopping);
        }
    }

    private async Task ProbeUntilUnhealthyAsync(HealthCheck check, CancellationToken cancellationToken)
    {
        await Task.Delay(TimeSpan.FromSeconds(check.GracePeriodSeconds), context.Clock, cancellationToken);
        var address = await context.Runtime.ProbeAddressAsync(ContainerId, cancellationToken);
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(check.IntervalSeconds), context.Clock);
        do
        {
            var (healthy, result) = await context.Prober.ProbeAsync(check, address, cancellationToken);
            var probedAt = context.Clock.GetUtcNow();
            var changed = _health!.Record(healthy, result);
            LastProbe = new ProbeReading(_health.Status, probedAt, result);
            if (changed)
                await context.Reports.SendReport(
                    new TaskHealthChanged(TaskId, context.NodeId, Attempt, _health.Status, probedAt, result), cancellationToken);
            if (_health.Status == HealthStatus.Unhealthy)
            {
                _unhealthyBecause = $"{result} ({check.FailureThreshold} failures in a row)";
                context.Logger.LogWarning("Task {TaskId} is unhealthy: {Result}; stopping container {ContainerId}", TaskId, result, ContainerId);
                await context.Runtime.StopContainerAsync(ContainerId, spec.StopTimeout, cancellationToken);
                return;
            }
        }
        while (await timer.WaitForNextTickAsync(cancellationToken));
    }
}

/// <summary>A container's health as of one probe.</summary>
public sealed record ProbeReading(HealthStatus Health, DateTimeOffset At, string Result);
