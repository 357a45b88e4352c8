using Orchestrator.Contracts;
using Orchestrator.Domain.Tasks;
using Orchestrator.StateStore.Persistence;
using Orchestrator.StateStore.Persistence.Entities;
using Orchestrator.StateStore.Tasks;

namespace Orchestrator.StateStore.Heartbeats;

/// <summary>
/// A heartbeat standing in for a task report that never arrived (it faulted past every retry, e.g. in a long database
/// outage): a start whose TaskStarted was lost, and an exit the agent could not report or whose report was lost.
/// <paramref name="reportGrace"/> lets the reports land first.
/// </summary>
public sealed class LostReportRecovery(TaskLifecycle lifecycle, TimeSpan reportGrace)
{
    /// <summary>Records what the container says of its task, the current attempt on this node, if no report has.</summary>
    public void Recover(OrchestratorDbContext db, TaskRecord task, ContainerReport container)
    {
        if (container.Running && StartIsUnreported(task))
            lifecycle.RecordStart(Track(db, task), container.ContainerId, container.Ports, startedAt: null,
                $"container {ContainerIds.Short(container.ContainerId)} found running by the node's heartbeat; its start report never arrived");
        if (container.Running || !ExitIsUnrecorded(task, container))
            return;
        Track(db, task);
        // The agent's own report when it sent one (it was lost): all it said, the OOM flag included.
        if (container.ExitReport is { } report && report.TaskId == task.Id && report.Attempt == container.Attempt)
            lifecycle.RecordExit(task, report, container.ContainerId);
        else
            lifecycle.RecordExit(task, container.ContainerId, container.ExitCode);
    }

    /// <summary>The tasks were read untracked (most heartbeats change none); one is attached only to record on it.</summary>
    internal static TaskRecord Track(OrchestratorDbContext db, TaskRecord task)
    {
        if (db.Entry(task).State == Microsoft.EntityFrameworkCore.EntityState.Detached)
            db.Tasks.Attach(task);
        return task;
    }

    /// <summary>
    /// An exit StateStore has not recorded. If the agent has not reported it (it crashed in between, or restarted
    /// and forgot), the heartbeat records it at once for a Running task, and for a Scheduled one once its start
    /// report is overdue (a container that died the instant it started has its TaskStarted and TaskExited on the
    /// way; they say more, such as the OOM flag). If the agent reported it and StateStore still holds the task as
    /// live a grace later, the report was lost (it faulted past every retry): the heartbeat stands in for it.
    /// </summary>
    private bool ExitIsUnrecorded(TaskRecord task, ContainerReport container) => container.ExitReported
        ? task.State is TaskState.Running or TaskState.Scheduled && container.ExitReportedAt < lifecycle.Now - reportGrace
        : task.State == TaskState.Running || StartIsUnreported(task);

    /// <summary>
    /// A task still Scheduled long after its placement, whose container the agent lists: the agent started it, and
    /// its TaskStarted never reached StateStore.
    /// </summary>
    private bool StartIsUnreported(TaskRecord task) =>
        task.State == TaskState.Scheduled && task.ScheduledAt < lifecycle.Now - reportGrace;
}
