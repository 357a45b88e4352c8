using Orchestrator.Contracts;
using Orchestrator.Domain.Tasks;
using Orchestrator.StateStore.Outbox;
using Orchestrator.StateStore.Persistence;
using Orchestrator.StateStore.Persistence.Entities;

namespace Orchestrator.StateStore.Tasks;

/// <summary>
/// Applies a change to a task through the task's own method (<see cref="TaskRecord"/> owns its state), and records what
/// the change causes: the event in the task's history, a log line after commit, and the messages in the outbox.
/// Callers run inside a <see cref="StateTransaction"/>.
/// </summary>
public sealed class TaskLifecycle(
    OrchestratorDbContext db, StateTransaction transaction, OutboxWriter outbox, TimeProvider clock, ILogger<TaskLifecycle> logger)
{
    public DateTimeOffset Now => clock.GetUtcNow();

    /// <summary>Records a new Pending task with its first event, and announces it to the Scheduler.</summary>
    public void Submit(TaskRecord task)
    {
        db.Tasks.Add(task);
        db.TaskEvents.Add(task.SubmittedEvent());
        outbox.Publish(new TaskSubmitted(task.Id));
    }

    /// <summary>Places the task on the node, and tells the node's agent to start it.</summary>
    public void Place(TaskRecord task, Guid nodeId, string nodeName)
    {
        if (!Record(task, () => task.Place(nodeId, nodeName, Now)))
            return;
        // No event: nothing consumes one, and each would be an outbox row, a publish and a routing per task.
        SendStart(task, nodeId);
    }

    /// <summary>
    /// Sends the attempt's StartTask again, as its node's heartbeat has not shown it for <paramref name="silence"/>: the
    /// first was lost on the way. The agent starts an attempt once, so a copy that was only late changes nothing.
    /// </summary>
    public void ResendStart(TaskRecord task, string nodeName, TimeSpan silence)
    {
        if (task.NodeId is { } nodeId && Record(task, () => task.RecordStartResent(nodeName, silence, Now)))
            SendStart(task, nodeId);
    }

    /// <summary>
    /// Gives up an attempt its node never started: the task is Pending again and the Scheduler is told, as when its
    /// node is lost. A StopTask follows the StartTasks to the node, so one that was only late starts nothing that stays.
    /// </summary>
    public void GiveUpUnstarted(TaskRecord task, string reason)
    {
        var (nodeId, attempt) = (task.NodeId, task.Attempt);
        if (!Record(task, () => task.ReleaseFromNode(reason, Now)))
            return;
        if (nodeId is { } node)
            SendStop(task, node, attempt);
        if (task.State == TaskState.Pending)
            outbox.Publish(new TaskSubmitted(task.Id));
    }

    private void SendStart(TaskRecord task, Guid nodeId) =>
        outbox.Send(AgentQueue.Name(nodeId), new StartTask(task.Id, nodeId, task.Attempt, task.Spec, task.JobName, task.JobSlot));

    /// <summary>A step of starting the task, such as an image pull.</summary>
    public void RecordProgress(TaskRecord task, string step) => Record(task, () => task.RecordProgress(step, Now));

    /// <summary>
    /// The task's container runs: from the agent's TaskStarted, or from a heartbeat standing in for a start report that
    /// was lost (<paramref name="ports"/> and <paramref name="startedAt"/> are then what the heartbeat knows).
    /// </summary>
    public void RecordStart(TaskRecord task, string containerId, IReadOnlyList<PortBinding>? ports, DateTimeOffset? startedAt, string reason) =>
        Record(task, () => task.RecordStarted(containerId, ports, startedAt, reason, Now));

    /// <summary>A restart in place; false when it is not newer than the last one recorded.</summary>
    public bool RecordRestart(TaskRecord task, TaskRestarted report) =>
        Record(task, () => task.RecordRestarted(
            report.RestartCount, report.Reason, report.ExitCode, Now, ExitOutput.Of(report.OutputTail, report.OutputTailCut)));

    /// <summary>
    /// What an agent's <see cref="TaskExited"/> says, applied to the task: from the report itself, or from a heartbeat
    /// standing in for a report that was lost (which names the container it lists, <paramref name="containerId"/>).
    /// </summary>
    public void RecordExit(TaskRecord task, TaskExited report, string? containerId = null) =>
        Record(task, () => task.RecordExit(
            containerId ?? report.ContainerId, report.ExitCode, report.OomKilled, report.Error, report.Detail, report.Unhealthy, Now,
            ExitOutput.Of(report.OutputTail, report.OutputTailCut)));

    /// <summary>An exit the agent never reported, with only the engine's listing behind it: its exit code.</summary>
    public void RecordExit(TaskRecord task, string containerId, long? exitCode) =>
        Record(task, () => task.RecordExit(containerId, exitCode, oomKilled: false, error: null, detail: null, unhealthy: false, Now));

    /// <summary>
    /// Takes a task off a node that is lost or draining: it is Pending again, to be placed elsewhere, and the
    /// reason is in its history. A task the user was already stopping simply ends.
    /// </summary>
    public void ReleaseFromNode(TaskRecord task, string reason) => Record(task, () => task.ReleaseFromNode(reason, Now));

    /// <summary>
    /// Lets a Pending task that waits for the node holding its volumes be placed anywhere, and tells the Scheduler.
    /// False when the task was not waiting for one.
    /// </summary>
    public bool ReleaseVolumes(TaskRecord task, string nodeName)
    {
        if (!Record(task, () => task.ReleaseVolumes(nodeName, Now)))
            return false;
        outbox.Publish(new TaskSubmitted(task.Id));
        return true;
    }

    /// <summary>
    /// Records that the task is wanted stopped, by the user or by its job (<paramref name="why"/>). A Pending task
    /// ends at once; a placed one is stopped by its agent, whose report ends it Completed. Asking twice, or about a
    /// finished task, changes no state; a finished task's leftover container is still removed.
    /// </summary>
    public void RequestStop(TaskRecord task, string? why = null)
    {
        if (task.IsTerminal)
        {
            // The task's record stays as it ended; only a container kept for its logs is removed.
            if (task.NodeId is { } lastNode && task.ContainerId is not null)
                SendStop(task, lastNode, task.Attempt);
            return;
        }
        if (Record(task, () => task.RequestStop(why, Now)))
            return;
        if (task.NodeId is { } nodeId)
            SendStop(task, nodeId, task.Attempt, leaveCatalogFirst: true);
    }

    /// <summary>
    /// Tells the task's agent to stop and remove the container of the given attempt. <paramref name="leaveCatalogFirst"/>
    /// is for the stop of an attempt that may be serving: this same transaction takes it out of the service catalog,
    /// and the agent waits the task's shutdown delay before the stop signal, so that callers have stopped sending to it.
    /// </summary>
    public void SendStop(TaskRecord task, Guid nodeId, int attempt, bool leaveCatalogFirst = false) =>
        outbox.Send(AgentQueue.Name(nodeId), new StopTask(
            task.Id, nodeId, attempt, (int)task.Spec.StopTimeout.TotalSeconds,
            leaveCatalogFirst ? (int)task.Spec.ShutdownDelay.TotalSeconds : 0));

    /// <summary>
    /// Applies <paramref name="change"/> and records the event it answers. False, and nothing recorded, when the change
    /// did not apply (null) or the state machine forbids it (logged: the task's method changed nothing).
    /// </summary>
    private bool Record(TaskRecord task, Func<TaskEventRecord?> change)
    {
        TaskEventRecord? recorded;
        try
        {
            recorded = change();
        }
        catch (InvalidTaskTransitionException refused)
        {
            using (TaskLogScope.Begin(logger, task.Id, task.NodeId))
                logger.LogWarning("Refused to move task {TaskId} from {From} to {To}", task.Id, refused.From, refused.To);
            return false;
        }
        if (recorded is null)
            return false;
        db.TaskEvents.Add(recorded);
        // In the task's own log scope: the change may have run in a commit shared with other messages (GroupCommit),
        // or in a batch about many tasks, outside the scope of the message that caused it.
        transaction.AfterCommit(() =>
        {
            using (TaskLogScope.Begin(logger, task.Id, task.NodeId))
                logger.LogInformation("Task {TaskId} is {State}: {Reason}", task.Id, recorded.State, recorded.Reason);
        });
        if (task.IsTerminal)
            outbox.Publish(new TaskFinished(task.Id, task.State, task.NodeId));
        return true;
    }
}
