using System.Collections.Concurrent;
using MassTransit;
using Orchestrator.Contracts;
using Orchestrator.Domain.Tasks;
using Orchestrator.WorkerAgent.Host;
using Orchestrator.WorkerAgent.Runtime;

namespace Orchestrator.WorkerAgent.Supervision;

/// <summary>
/// Keeps the node's running containers under supervision: each one is watched for its exit, probed if it has
/// a health check, and restarted per its policy. Each container is supervised once, however often it is
/// started or adopted; supervision ends with the agent, and the next agent adopts the container, with its restart
/// count (<see cref="RestartLedger"/>).
/// </summary>
public sealed class TaskSupervisor(
    IContainerRuntime runtime,
    RestartLedger restarts,
    HealthProber prober,
    IBus bus,
    NodeIdentity node,
    TimeProvider clock,
    IHostApplicationLifetime lifetime,
    ILogger<TaskSupervisor> logger) : ISupervisionOwner
{
    private readonly SupervisionContext _context = new(runtime, prober, bus, restarts, node.Id, clock, logger);
    private readonly ConcurrentDictionary<string, ContainerSupervision> _supervised = new();
    // A stop under way, and whether it has finished (its mark then waits for the supervision to see the exit).
    private readonly ConcurrentDictionary<(Guid TaskId, int Attempt), bool> _stopping = new();
    private readonly Lock _stopEnds = new();
    private readonly ConcurrentDictionary<string, ReportedExit> _reportedExits = new();
    // A start under way, completed when it has ended (reported and put under supervision, or failed).
    private readonly ConcurrentDictionary<(Guid TaskId, int Attempt), TaskCompletionSource> _starting = new();

    /// <summary>
    /// Marks a start under way until disposed: its container counts as the task's even if it has already died,
    /// because the start's own reports (TaskStarted, then the exit) are still to be sent. A second copy of the
    /// attempt's StartTask (StateStore re-sends one its node's heartbeat did not show) waits here for the first start to
    /// end, and then meets the container it made: one start of an attempt at a time, so the mark never ends while a
    /// start is still under way.
    /// </summary>
    public async Task<IDisposable> StartingAsync(Guid taskId, int attempt, CancellationToken cancellationToken)
    {
        var ended = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        while (!_starting.TryAdd((taskId, attempt), ended))
        {
            if (_starting.TryGetValue((taskId, attempt), out var earlier))
                await earlier.Task.WaitAsync(cancellationToken);
        }
        return new StartMark(() =>
        {
            _starting.TryRemove(KeyValuePair.Create((taskId, attempt), ended));
            ended.TrySetResult();
        });
    }

    public bool IsStarting(Guid taskId, int attempt) => _starting.ContainsKey((taskId, attempt));

    /// <summary>The attempts whose start is under way, container or not: the heartbeat tells StateStore they arrived.</summary>
    public IReadOnlyList<TaskAttempt> StartsUnderWay() => _starting.Keys.Select(key => new TaskAttempt(key.TaskId, key.Attempt)).ToList();

    /// <summary>
    /// Completes when the attempt's start under way, if any, has ended. A stop waits for it: a start still fetching
    /// the task's secrets or pulling its image has no container yet, and would make one after a stop that found none.
    /// </summary>
    public Task StartEndedAsync(Guid taskId, int attempt) =>
        _starting.TryGetValue((taskId, attempt), out var ended) ? ended.Task : Task.CompletedTask;

    private sealed class StartMark(Action end) : IDisposable
    {
        public void Dispose() => end();
    }

    public void Supervise(Guid taskId, int attempt, string containerId, TaskSpec spec)
    {
        var added = false;
        var supervision = _supervised.GetOrAdd(containerId, id =>
        {
            added = true;
            return new ContainerSupervision(taskId, attempt, id, spec, _context, this);
        });
        if (added)
            _ = RunAsync(supervision);
    }

    /// <summary>
    /// The user stops the task: its next exit is final and is reported by the stop itself. Returns false when a
    /// stop of the same attempt is already under way, so a repeated command does not race the first.
    /// </summary>
    public bool TryMarkStopping(Guid taskId, int attempt) => _stopping.TryAdd((taskId, attempt), false);

    /// <summary>
    /// Forgets a finished stop, unless a supervision still has to see the exit: then the supervision's end does.
    /// Until one of them, the container counts as the task's (the heartbeat reports it running), so the stop's own
    /// report, with the exit code the engine recorded, is the one StateStore gets.
    /// </summary>
    public void FinishStopping(Guid taskId, int attempt)
    {
        lock (_stopEnds)
        {
            if (_supervised.Values.Any(s => s.TaskId == taskId && s.Attempt == attempt))
                _stopping[(taskId, attempt)] = true;
            else
                _stopping.TryRemove((taskId, attempt), out _);
        }
    }

    /// <summary>A supervision ended: it forgets the stop only if the stop has finished too.</summary>
    private void SupervisionEnded(Guid taskId, int attempt)
    {
        lock (_stopEnds)
        {
            if (_stopping.TryGetValue((taskId, attempt), out var finished) && finished)
                _stopping.TryRemove((taskId, attempt), out _);
        }
    }

    public bool IsStopping(Guid taskId, int attempt) => _stopping.ContainsKey((taskId, attempt));

    /// <summary>Under supervision, including while waiting out a restart backoff.</summary>
    public bool IsSupervised(string containerId) => _supervised.ContainsKey(containerId);

    public ContainerSupervision? Find(string containerId) => _supervised.GetValueOrDefault(containerId);

    /// <summary>The exit this agent reported for the container, and when; null if it has reported none.</summary>
    public ReportedExit? ReportedExitOf(string containerId) =>
        _reportedExits.TryGetValue(containerId, out var reported) ? reported : null;

    // Kept without the output's tail: every heartbeat carries the reported exits of the containers still on the node,
    // and 4 KiB each would swell them for an hour; an exit recovered from a heartbeat goes without its tail.
    void ISupervisionOwner.RecordReportedExit(string containerId, TaskExited report) =>
        _reportedExits[containerId] = new ReportedExit(clock.GetUtcNow(), report with { OutputTail = null, OutputTailCut = false });

    /// <summary>
    /// Whether an exited container was still under supervision when the last agent stopped (waiting out a backoff,
    /// or its exit not yet judged): it is adopted, and its restart policy decides.
    /// </summary>
    public bool WasSupervised(string containerId) => restarts.Holds(containerId);

    /// <summary>
    /// Forgets containers that no longer exist. <paramref name="existing"/> was listed a moment ago: a container
    /// supervised since then is not in it, and is kept.
    /// </summary>
    public void ForgetContainersExcept(IReadOnlySet<string> existing)
    {
        foreach (var id in _reportedExits.Keys.Where(id => !existing.Contains(id)))
            _reportedExits.TryRemove(id, out _);
        restarts.ForgetAllBut(id => existing.Contains(id) || _supervised.ContainsKey(id));
    }

    private async Task RunAsync(ContainerSupervision supervision)
    {
        var stopping = lifetime.ApplicationStopping;
        using var scope = TaskLogScope.Begin(logger, supervision.TaskId, node.Id);
        try
        {
            await Task.Yield();
            restarts.Record(supervision.ContainerId, supervision.RestartCount);
            await supervision.RunAsync(stopping);
            // It ended on its own terms (the final exit reported, or the task stopped): nothing to carry over. The
            // agent stopping ends it by cancellation instead, and the entry stays for the next agent.
            restarts.Forget(supervision.ContainerId);
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested)
        {
        }
        catch (Exception error)
        {
            // The container may have been removed by a stop; the heartbeat reconciles whatever is left.
            logger.LogDebug(error, "Stopped supervising container {ContainerId} of task {TaskId}", supervision.ContainerId, supervision.TaskId);
        }
        finally
        {
            _supervised.TryRemove(supervision.ContainerId, out _);
            SupervisionEnded(supervision.TaskId, supervision.Attempt);
        }
    }
}

/// <summary>An exit the agent has sent as <see cref="TaskExited"/>, kept so its heartbeats can stand in for a report that was lost.</summary>
public sealed record ReportedExit(DateTimeOffset At, TaskExited Report);
