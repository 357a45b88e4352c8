using Orchestrator.Contracts;
using Orchestrator.Domain.Tasks;
using Orchestrator.StateStore.Outbox;
using Orchestrator.StateStore.Persistence;
using Orchestrator.StateStore.Persistence.Entities;

namespace Orchestrator.StateStore.Tasks;

/// <summary>
/// The state changes of a task that more than one consumer makes, each with its event and its messages.
/// Callers run inside a <see cref="StateTransaction"/>.
/// </summary>
public sealed class TaskLifecycle(
    OrchestratorDbContext db, StateTransaction transaction, OutboxWriter outbox, TimeProvider clock, ILogger<TaskLifecycle> logger)
{
    public DateTimeOffset Now => clock.GetUtcNow();

    /// <summary>Moves the task and records the event. Returns false, and logs, if the state machine forbids it.</summary>
    public bool TryMove(TaskRecord task, TaskState next, string reason, long? exitCode = null)
    {
        if (!TaskStateMachine.CanTransition(task.State, next))
        {
            logger.LogWarning("Refused to move task {TaskId} from {From} to {To} ({Reason})", task.Id, task.State, next, reason);
            return false;
        }
        db.TaskEvents.Add(task.MoveTo(next, reason, Now, exitCode));
        transaction.AfterCommit(() => logger.LogInformation("Task {TaskId} is {State}: {Reason}", task.Id, next, reason));
        if (task.IsTerminal)
            outbox.Publish(new TaskFinished(task.Id, task.State, task.NodeId));
        return true;
    }

    /// <summary>
    /// What an agent's <see cref="TaskExited"/> says, applied to the task: from the report itself, or from a heartbeat
    /// standing in for a report that was lost.
    /// </summary>
    public void RecordExit(TaskRecord task, TaskExited report)
    {
        task.ContainerId ??= report.ContainerId;
        RecordExit(task, report.ExitCode, report.OomKilled, report.Error, report.Detail, report.Unhealthy);
    }

    /// <summary>
    /// What a final exit means: Completed when the user stopped it or it exited 0 on its own, otherwise Failed.
    /// <paramref name="detail"/> says why the agent did not restart it, e.g. "gave up after 3 restarts".
    /// </summary>
    public void RecordExit(TaskRecord task, long? exitCode, bool oomKilled, string? error, string? detail = null, bool unhealthy = false)
    {
        task.ExitCode = exitCode;
        var (state, reason) = (task.DesiredState, exitCode, error) switch
        {
            (DesiredState.Stopped, _, _) => (TaskState.Completed, task.StoppedBy),
            (_, _, { } failure) => (TaskState.Failed, failure),
            (_, 0, _) when !unhealthy => (TaskState.Completed, "exited with code 0"),
            _ when oomKilled => (TaskState.Failed, $"OOMKilled: exited with code {exitCode}"),
            _ => (TaskState.Failed, $"exited with code {exitCode}"),
        };
        if (detail is not null && task.DesiredState != DesiredState.Stopped && error is null)
            reason = $"{reason}; {detail}";
        TryMove(task, state, reason);
    }

    /// <summary>
    /// Takes a task off a node that is lost or draining: it is Pending again, to be placed elsewhere, and the
    /// reason is in its history. A task the user was already stopping simply ends.
    /// </summary>
    public void ReleaseFromNode(TaskRecord task, string reason)
    {
        if (task.DesiredState == DesiredState.Stopped)
        {
            TryMove(task, TaskState.Completed, $"{task.StoppedBy}; {reason}");
            return;
        }
        // The event names the node it left, so the move happens before the placement is cleared.
        if (!TryMove(task, TaskState.Pending, reason))
            return;
        task.NodeId = null;
        task.ContainerId = null;
        task.StartedAt = null;
        task.RestartCount = 0;
        task.ClearProbe();
        task.Ports = TaskRecord.RequestedPorts(task.Spec);
    }

    /// <summary>Records a new Pending task with its first event, and announces it to the Scheduler.</summary>
    public void Submit(TaskRecord task)
    {
        db.Tasks.Add(task);
        db.TaskEvents.Add(task.SubmittedEvent());
        outbox.Publish(new TaskSubmitted(task.Id));
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
        var firstRequest = task.DesiredState == DesiredState.Running;
        task.DesiredState = DesiredState.Stopped;
        if (firstRequest)
            task.StopReason = why;
        if (task.State == TaskState.Pending)
        {
            TryMove(task, TaskState.Completed, why is null ? "cancelled before placement" : $"cancelled before placement: {why}");
            return;
        }
        if (task.NodeId is not { } nodeId)
            return;
        if (firstRequest)
            task.Message = why is null ? "stopping" : $"stopping: {why}";
        SendStop(task, nodeId, task.Attempt);
    }

    /// <summary>Tells the task's agent to stop and remove the container of the given attempt.</summary>
    public void SendStop(TaskRecord task, Guid nodeId, int attempt) =>
        outbox.Send(AgentQueue.Name(nodeId), new StopTask(task.Id, nodeId, attempt, (int)task.Spec.StopTimeout.TotalSeconds));
}
