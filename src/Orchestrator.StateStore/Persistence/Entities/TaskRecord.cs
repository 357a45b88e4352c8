using Orchestrator.Contracts;
using Orchestrator.Domain.Tasks;

namespace Orchestrator.StateStore.Persistence.Entities;

/// <summary>A task as StateStore stores it. Its state changes only through <see cref="MoveTo"/>.</summary>
public sealed class TaskRecord
{
    public Guid Id { get; init; }
    public required string Name { get; init; }
    public required string Image { get; init; }
    public required TaskSpec Spec { get; init; }

    /// <summary>The job that started this task, if one did, and the revision of the job's spec it runs.</summary>
    public string? JobName { get; init; }
    public int? JobRevision { get; init; }

    /// <summary>The W3C traceparent of the submission, so work batched with other tasks' joins this task's trace.</summary>
    public string? TraceParent { get; init; }

    // The request, in columns, so that a node's allocation is one set-based SUM.
    public decimal CpuRequest { get; init; }
    public long MemoryMbRequest { get; init; }
    public long DiskMbRequest { get; init; }

    public TaskState State { get; private set; } = TaskState.Pending;
    public DesiredState DesiredState { get; set; } = DesiredState.Running;

    /// <summary>Who wanted the task stopped, when it was not the user asking directly, e.g. "job web is scaled to 1".</summary>
    public string? StopReason { get; set; }

    /// <summary>How the task's end reads when it was stopped on purpose: "stopped by user", or by what stopped it.</summary>
    public string StoppedBy => StopReason is null ? "stopped by user" : $"stopped: {StopReason}";

    public Guid? NodeId { get; set; }

    /// <summary>Counts placements. Commands to agents and their reports carry it, so stale ones are ignored.</summary>
    public int Attempt { get; set; }

    public string? ContainerId { get; set; }
    public List<PortBinding> Ports { get; set; } = [];
    public DateTimeOffset CreatedAt { get; init; }
    public DateTimeOffset? ScheduledAt { get; private set; }
    public DateTimeOffset? StartedAt { get; set; }
    public DateTimeOffset? FinishedAt { get; private set; }
    public long? ExitCode { get; set; }
    public string? Message { get; set; }

    /// <summary>Restarts the agent made on the node of the current attempt.</summary>
    public int RestartCount { get; set; }
    public HealthStatus Health { get; set; }
    public DateTimeOffset? LastProbeAt { get; set; }
    public string? LastProbeResult { get; set; }

    /// <summary>Bumped on every change of state; the optimistic concurrency token.</summary>
    public int Version { get; private set; }

    public static TaskRecord Submit(Guid id, TaskSpec spec, DateTimeOffset now, string? traceParent, string? jobName = null, int? jobRevision = null)
    {
        var requested = spec.Requested;
        return new TaskRecord
        {
            Id = id,
            Name = spec.Name,
            Image = spec.Image,
            Spec = spec,
            CpuRequest = requested.Cpu,
            MemoryMbRequest = requested.MemoryMb,
            DiskMbRequest = requested.DiskMb,
            CreatedAt = now,
            Ports = RequestedPorts(spec),
            TraceParent = traceParent,
            JobName = jobName,
            JobRevision = jobRevision,
        };
    }

    /// <summary>The ports as asked for, before an engine has bound any.</summary>
    public static List<PortBinding> RequestedPorts(TaskSpec spec) =>
        spec.PortsOrEmpty.Select(p => new PortBinding(p.ContainerPort, p.HostPort, p.Protocol)).ToList();

    public bool IsTerminal => TaskStateMachine.IsTerminal(State);

    /// <summary>Running, and healthy if it has a health check: what a job's rollout waits for before it stops an old task.</summary>
    public bool IsAvailable => State == TaskState.Running && (Spec.HealthCheck is null || Health == HealthStatus.Healthy);

    /// <summary>True when an agent's report is about the task's current placement, not an older one.</summary>
    public bool IsCurrentAttempt(Guid nodeId, int attempt) => NodeId == nodeId && Attempt == attempt;

    /// <summary>
    /// Moves the task through the Domain's state machine and returns the event to record. A forbidden move
    /// throws <see cref="InvalidTaskTransitionException"/> and nothing changes.
    /// </summary>
    public TaskEventRecord MoveTo(TaskState next, string reason, DateTimeOffset now, long? exitCode = null)
    {
        State = TaskStateMachine.Transition(State, next);
        Version++;
        Message = reason;
        switch (next)
        {
            case TaskState.Scheduled:
                ScheduledAt = now;
                break;
            case TaskState.Running:
                StartedAt ??= now;
                break;
            case TaskState.Completed or TaskState.Failed:
                FinishedAt = now;
                break;
        }
        return new TaskEventRecord
        {
            TaskId = Id,
            State = next,
            Reason = reason,
            NodeId = NodeId,
            ExitCode = exitCode ?? (TaskStateMachine.IsTerminal(next) ? ExitCode : null),
            At = now,
        };
    }

    /// <summary>
    /// Forgets the probes of a placement the task has left. Probes are recorded by
    /// <see cref="Tasks.TaskProbes"/>, newest first, in the database.
    /// </summary>
    public void ClearProbe()
    {
        Health = HealthStatus.Unknown;
        LastProbeAt = null;
        LastProbeResult = null;
    }

    /// <summary>The first record of a task's history.</summary>
    public TaskEventRecord SubmittedEvent() => new()
    {
        TaskId = Id,
        State = TaskState.Pending,
        Reason = "submitted",
        At = CreatedAt,
    };

    public TaskDetails ToDetails() => new()
    {
        Id = Id,
        Name = Name,
        Image = Image,
        State = State,
        DesiredState = DesiredState,
        NodeId = NodeId,
        ContainerId = ContainerId,
        Ports = Ports,
        Resources = Spec.Requested,
        Command = Spec.Command,
        Env = Spec.Env,
        CreatedAt = CreatedAt,
        StartedAt = StartedAt,
        FinishedAt = FinishedAt,
        ExitCode = ExitCode,
        Message = Message,
        RestartPolicy = Spec.RestartPolicyOrDefault,
        RestartCount = RestartCount,
        HealthCheck = Spec.HealthCheck,
        Health = Health,
        LastProbeAt = LastProbeAt,
        LastProbeResult = LastProbeResult,
        Attempt = Attempt,
        Version = Version,
    };
}
