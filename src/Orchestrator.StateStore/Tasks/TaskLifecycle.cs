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
public sealed class TaskLifecycle(OrchestratorDbContext db, OutboxWriter outbox, TimeProvider clock, ILogger<TaskLifecycle> logger)
{
    public DateTimeOffset Now => clock.GetUtcNow();

    /// <summary>Moves the task and records the event. Returns false, and logs, if the state machine forbids it.</summary>
    public bool TryMove(TaskRecord task, TaskState next, string reason)
    {
        if (!TaskStateMachine.CanTransition(task.State, next))
        {
            logger.LogWarning("Refused to move task {TaskId} from {From} to {To} ({Reason})", task.Id, task.State, next, reason);
            return false;
        }
        db.TaskEvents.Add(task.MoveTo(next, reason, Now));
        if (task.IsTerminal)
            outbox.Publish(new TaskFinished(task.Id, task.State, task.NodeId));
        return true;
    }

    /// <summary>What an exit means: Completed when the user stopped it or it exited 0, otherwise Failed.</summary>
    public void RecordExit(TaskRecord task, long? exitCode, bool oomKilled, string? error)
    {
        task.ExitCode = exitCode;
        var (state, reason) = (task.DesiredState, exitCode, error) switch
        {
            (DesiredState.Stopped, _, _) => (TaskState.Completed, "stopped by user"),
            (_, _, { } failure) => (TaskState.Failed, failure),
            (_, 0, _) => (TaskState.Completed, "exited with code 0"),
            _ when oomKilled => (TaskState.Failed, $"OOMKilled: exited with code {exitCode}"),
            _ => (TaskState.Failed, $"exited with code {exitCode}"),
        };
        TryMove(task, state, reason);
    }

    /// <summary>Tells the task's agent to stop and remove the container of the given attempt.</summary>
    public void SendStop(Guid taskId, Guid nodeId, int attempt) =>
        outbox.Send(AgentQueue.Name(nodeId), new StopTask(taskId, nodeId, attempt));
}
