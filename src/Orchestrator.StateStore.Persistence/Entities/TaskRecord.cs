using System.Globalization;
using System.Linq.Expressions;
using Orchestrator.Contracts;
using Orchestrator.Domain.Tasks;

namespace Orchestrator.StateStore.Persistence.Entities;

/// <summary>
/// A task as StateStore stores it, and the one owner of its state: every change goes through a method named for what
/// happened (<see cref="Place"/>, <see cref="RecordStarted"/>, <see cref="RecordExit"/>, ...), which checks the move
/// against the Domain's <see cref="TaskStateMachine"/> and answers the event to record. A forbidden move throws
/// <see cref="InvalidTaskTransitionException"/> and nothing changes. StateStore's <c>TaskLifecycle</c> records the
/// events and the messages they cause.
/// </summary>
public sealed class TaskRecord
{
    public Guid Id { get; init; }
    public required string Name { get; init; }
    public required string Image { get; init; }
    public required TaskSpec Spec { get; init; }

    /// <summary>The job that started this task, if one did, and the revision of the job's spec it runs.</summary>
    public string? JobName { get; init; }
    public int? JobRevision { get; private set; }

    /// <summary>
    /// The job went back to the spec this task runs, as a new revision: the task is of that revision now, so the
    /// rollout leaves it running instead of replacing it with a copy of itself.
    /// </summary>
    public void AdoptRevision(int revision) => JobRevision = revision;

    /// <summary>The task's place in its job (web-2 is slot 2): a replacement takes the slot, and the slot's volumes, over.</summary>
    public int? JobSlot { get; init; }

    /// <summary>
    /// The node that holds the task's named volumes, for a task that has them: where it was placed, or for a job's new
    /// task, where its slot's last task was. A Pending task with one is placed there or waits for it
    /// (<see cref="PlacementSpec"/>), until an operator lets it go (<see cref="ReleaseVolumes"/>).
    /// </summary>
    public Guid? VolumeNodeId { get; private set; }

    /// <summary>The W3C traceparent of the submission, so work batched with other tasks' joins this task's trace.</summary>
    public string? TraceParent { get; init; }

    // The request, in columns, so that a node's allocation is one set-based SUM.
    public decimal CpuRequest { get; init; }
    public long MemoryMbRequest { get; init; }
    public long DiskMbRequest { get; init; }

    public TaskState State { get; private set; } = TaskState.Pending;
    public DesiredState DesiredState { get; private set; } = DesiredState.Running;

    /// <summary>Who wanted the task stopped, when it was not the user asking directly, e.g. "job web is scaled to 1".</summary>
    public string? StopReason { get; private set; }

    /// <summary>How the task's end reads when it was stopped on purpose: "stopped by user", or by what stopped it.</summary>
    public string StoppedBy => StopReason is null ? "stopped by user" : $"stopped: {StopReason}";

    public Guid? NodeId { get; private set; }

    /// <summary>Counts placements. Commands to agents and their reports carry it, so stale ones are ignored.</summary>
    public int Attempt { get; private set; }

    public string? ContainerId { get; private set; }
    public List<PortBinding> Ports { get; private set; } = [];
    public DateTimeOffset CreatedAt { get; init; }
    public DateTimeOffset? ScheduledAt { get; private set; }
    public DateTimeOffset? StartedAt { get; private set; }
    public DateTimeOffset? FinishedAt { get; private set; }
    public long? ExitCode { get; private set; }
    public string? Message { get; private set; }

    /// <summary>
    /// StartTasks re-sent for the current attempt since its last start step, because its node's heartbeat did not show
    /// it (<see cref="Orchestrator.Domain.Tasks.LostStartVerdict"/>).
    /// </summary>
    public int StartResends { get; private set; }

    /// <summary>Restarts the agent made on the node of the current attempt.</summary>
    public int RestartCount { get; private set; }

    // The last probe is written by Tasks.TaskProbes, in SQL that lets the newest probe win against the row as
    // committed; the task itself only forgets it when it leaves its node.
    public HealthStatus Health { get; private set; }

    /// <summary>Since when the task's probes have found it Healthy without a break; null while it is not.</summary>
    public DateTimeOffset? HealthySince { get; private set; }
    public DateTimeOffset? LastProbeAt { get; private set; }
    public string? LastProbeResult { get; private set; }

    /// <summary>Whether the task offers services: only such a task is in the catalog.</summary>
    public bool HasServices { get; init; }

    /// <summary>
    /// Set by the database from a sequence whenever a change the catalog shows is written (state, desired state,
    /// health, node, ports), by whichever statement writes it: the catalog's index is made of these
    /// (<see cref="Queries.ServiceCatalogQueries"/>). Never written from here.
    /// </summary>
    public long? CatalogRevision { get; private set; }

    /// <summary>Bumped on every change of state; the optimistic concurrency token.</summary>
    public int Version { get; private set; }

    public static TaskRecord Submit(
        Guid id, TaskSpec spec, DateTimeOffset now, string? traceParent,
        string? jobName = null, int? jobRevision = null, int? jobSlot = null, Guid? volumeNodeId = null)
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
            JobSlot = jobSlot,
            VolumeNodeId = spec.HasVolumes ? volumeNodeId : null,
            HasServices = spec.ServicesOrEmpty.Count > 0,
        };
    }

    /// <summary>The spec placement checks: the task's own, pinned to the node that holds its volumes, if it has one.</summary>
    public TaskSpec PlacementSpec => Spec.HeldTo(VolumeNodeId);

    /// <summary>The ports as asked for, before an engine has bound any.</summary>
    private static List<PortBinding> RequestedPorts(TaskSpec spec) =>
        spec.PortsOrEmpty.Select(p => new PortBinding(p.ContainerPort, p.HostPort, p.Protocol)).ToList();

    /// <summary>Completed or Failed: the task has ended and nothing moves it again.</summary>
    public bool IsTerminal => TaskStateMachine.IsTerminal(State);

    /// <summary>
    /// The tasks that have not ended, as a query StateStore's reads compose: the same states as <see cref="IsTerminal"/>
    /// excludes, written out from <see cref="TaskStateMachine.TerminalStates"/> as one comparison each.
    /// </summary>
    public static Expression<Func<TaskRecord, bool>> Unfinished { get; } = UnfinishedQuery();

    private static Expression<Func<TaskRecord, bool>> UnfinishedQuery()
    {
        var task = Expression.Parameter(typeof(TaskRecord), "t");
        var state = Expression.Property(task, nameof(State));
        var body = TaskStateMachine.TerminalStates
            .Select(terminal => (Expression)Expression.NotEqual(state, Expression.Constant(terminal)))
            .Aggregate(Expression.AndAlso);
        return Expression.Lambda<Func<TaskRecord, bool>>(body, task);
    }

    /// <summary>Running, and healthy if it has a health check: what a job's rollout waits for before it stops an old task.</summary>
    public bool IsAvailable => State == TaskState.Running && (Spec.HealthCheck is null || Health == HealthStatus.Healthy);

    /// <summary>Since when the task has served without a break (healthy, or Running when it has no check); null while it does not.</summary>
    public DateTimeOffset? ServingSince => !IsAvailable ? null : Spec.HealthCheck is null ? StartedAt : HealthySince ?? LastProbeAt;

    /// <summary>True when an agent's report is about the task's current placement, not an older one.</summary>
    public bool IsCurrentAttempt(Guid nodeId, int attempt) => NodeId == nodeId && Attempt == attempt;

    /// <summary>
    /// Whether an agent's report about this attempt on this node may change the task: it is the current attempt and
    /// the task has not ended. Every report consumer asks this before anything else.
    /// </summary>
    public bool TakesReportsOf(Guid nodeId, int attempt) => !IsTerminal && IsCurrentAttempt(nodeId, attempt);

    /// <summary>A Scheduler's placement, accepted: the task is Scheduled on the node as its next attempt.</summary>
    public TaskEventRecord Place(Guid nodeId, string nodeName, DateTimeOffset now)
    {
        Check(TaskState.Scheduled);
        NodeId = nodeId;
        if (Spec.HasVolumes)
            VolumeNodeId = nodeId;
        Attempt++;
        StartResends = 0;
        return MoveTo(TaskState.Scheduled, $"placed on node {nodeName}", now);
    }

    /// <summary>Why no node can take this Pending task, when the Scheduler's view of it is still current.</summary>
    public bool MarkUnschedulable(int expectedVersion, string reason)
    {
        if (State != TaskState.Pending || Version != expectedVersion)
            return false;
        Message = reason;
        return true;
    }

    /// <summary>A step of starting the container (such as an image pull); the task stays Scheduled.</summary>
    public TaskEventRecord RecordProgress(string step, DateTimeOffset now)
    {
        var progressed = MoveTo(TaskState.Scheduled, step, now);
        // The agent has the attempt: re-sends are counted again from here.
        StartResends = 0;
        return progressed;
    }

    /// <summary>
    /// The attempt's StartTask is sent again, as its node's heartbeat has shown neither its container nor its start for
    /// <paramref name="silence"/>. The task stays Scheduled; the event is its next sign of life, so the next re-send
    /// waits a whole grace more.
    /// </summary>
    public TaskEventRecord RecordStartResent(string nodeName, TimeSpan silence, DateTimeOffset now)
    {
        var resent = MoveTo(TaskState.Scheduled,
            string.Create(CultureInfo.InvariantCulture, $"StartTask re-sent: node {nodeName} reports no container for it after {silence.TotalSeconds:0} s"), now);
        StartResends++;
        return resent;
    }

    /// <summary>
    /// The agent runs the container: from its TaskStarted, or from a heartbeat that lists the container running when
    /// that report never arrived. <paramref name="ports"/> are the host ports the engine bound, if the reporter knows
    /// them; <paramref name="startedAt"/> is the agent's time of the start, or this moment when it is not known.
    /// </summary>
    public TaskEventRecord RecordStarted(
        string containerId, IReadOnlyList<PortBinding>? ports, DateTimeOffset? startedAt, string reason, DateTimeOffset now)
    {
        Check(TaskState.Running);
        ContainerId = containerId;
        if (ports is not null)
            Ports = ports.ToList();
        StartedAt = startedAt ?? StartedAt;
        return MoveTo(TaskState.Running, reason, now);
    }

    /// <summary>
    /// The agent restarted the container in place under the task's policy; the task stays Running. Null, and nothing
    /// changes, when the task is not Running or the restart is not newer than the last one recorded (a duplicate).
    /// </summary>
    public TaskEventRecord? RecordRestarted(int restartCount, string reason, long? exitCode, DateTimeOffset now, ExitOutput? output = null)
    {
        if (State != TaskState.Running || restartCount <= RestartCount)
            return null;
        RestartCount = restartCount;
        return MoveTo(TaskState.Running, reason, now, exitCode, output);
    }

    /// <summary>
    /// The container's final exit: Completed when the task was wanted stopped or exited 0 on its own, otherwise Failed.
    /// <paramref name="detail"/> says why the agent did not restart it, e.g. "gave up after 3 restarts".
    /// </summary>
    public TaskEventRecord RecordExit(
        string? containerId, long? exitCode, bool oomKilled, string? error, string? detail, bool unhealthy, DateTimeOffset now,
        ExitOutput? output = null)
    {
        var (state, reason) = (DesiredState, exitCode, error) switch
        {
            (DesiredState.Stopped, _, _) => (TaskState.Completed, StoppedBy),
            (_, _, { } failure) => (TaskState.Failed, failure),
            (_, 0, _) when !unhealthy => (TaskState.Completed, "exited with code 0"),
            _ when oomKilled => (TaskState.Failed, $"OOMKilled: exited with code {exitCode}"),
            _ => (TaskState.Failed, $"exited with code {exitCode}"),
        };
        if (detail is not null && DesiredState != DesiredState.Stopped && error is null)
            reason = $"{reason}; {detail}";
        Check(state);
        ContainerId ??= containerId;
        ExitCode = exitCode;
        return MoveTo(state, reason, now, output: output);
    }

    /// <summary>
    /// Takes the task off a node that is lost or draining: it is Pending again, to be placed elsewhere, and the reason
    /// is in its history. A task that was wanted stopped simply ends.
    /// </summary>
    public TaskEventRecord ReleaseFromNode(string reason, DateTimeOffset now)
    {
        if (DesiredState == DesiredState.Stopped)
            return MoveTo(TaskState.Completed, $"{StoppedBy}; {reason}", now);
        // The event names the node it left, so the move happens before the placement is cleared.
        var released = MoveTo(TaskState.Pending, reason, now);
        NodeId = null;
        ContainerId = null;
        StartedAt = null;
        RestartCount = 0;
        Health = HealthStatus.Unknown;
        HealthySince = null;
        LastProbeAt = null;
        LastProbeResult = null;
        Ports = RequestedPorts(Spec);
        return released;
    }

    /// <summary>
    /// An operator lets a Pending task that waits for the node holding its volumes be placed anywhere, with empty
    /// volumes wherever it goes. Null, and nothing changes, when the task is not waiting for one.
    /// </summary>
    public TaskEventRecord? ReleaseVolumes(string nodeName, DateTimeOffset now)
    {
        if (State != TaskState.Pending || DesiredState != DesiredState.Running || VolumeNodeId is null)
            return null;
        VolumeNodeId = null;
        return MoveTo(TaskState.Pending, $"released from node {nodeName}, which holds its volumes: it starts with empty volumes wherever it is placed", now);
    }

    /// <summary>
    /// The task is wanted stopped, by the user or by its job (<paramref name="why"/>). A Pending task ends at once, and
    /// its event is answered; a placed one keeps its state until its agent reports the exit, and says it is stopping.
    /// Asking again keeps the first reason; a finished task does not change.
    /// </summary>
    public TaskEventRecord? RequestStop(string? why, DateTimeOffset now)
    {
        if (IsTerminal)
            return null;
        var firstRequest = DesiredState == DesiredState.Running;
        if (State == TaskState.Pending)
            Check(TaskState.Completed);
        DesiredState = DesiredState.Stopped;
        if (firstRequest)
            StopReason = why;
        if (State == TaskState.Pending)
            return MoveTo(TaskState.Completed, why is null ? "cancelled before placement" : $"cancelled before placement: {why}", now);
        if (firstRequest && NodeId is not null)
            Message = why is null ? "stopping" : $"stopping: {why}";
        return null;
    }

    /// <summary>Throws, before anything changes, when the state machine forbids the move.</summary>
    private void Check(TaskState next) => TaskStateMachine.Transition(State, next);

    private TaskEventRecord MoveTo(TaskState next, string reason, DateTimeOffset now, long? exitCode = null, ExitOutput? output = null)
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
            OutputTail = output?.StorableText,
            OutputTailCut = output?.Cut ?? false,
        };
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
        Mounts = Spec.Mounts,
        CreatedAt = CreatedAt,
        StartedAt = StartedAt,
        FinishedAt = FinishedAt,
        ExitCode = ExitCode,
        Message = Message,
        Job = JobName,
        Slot = JobSlot,
        VolumeNodeId = VolumeNodeId,
        RestartPolicy = Spec.RestartPolicyOrDefault,
        RestartCount = RestartCount,
        HealthCheck = Spec.HealthCheck,
        Health = Health,
        LastProbeAt = LastProbeAt,
        LastProbeResult = LastProbeResult,
        Attempt = Attempt,
        Version = Version,
        TraceId = TraceIdOf(TraceParent),
    };

    /// <summary>The trace id of a W3C traceparent (<c>00-TRACEID-SPANID-FLAGS</c>); null for anything else.</summary>
    public static string? TraceIdOf(string? traceParent) =>
        traceParent?.Split('-') is [_, { Length: 32 } traceId, _, _] ? traceId : null;
}
