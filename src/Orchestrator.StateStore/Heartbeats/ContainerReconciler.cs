using Microsoft.EntityFrameworkCore;
using Orchestrator.Contracts;
using Orchestrator.Domain.Tasks;
using Orchestrator.StateStore.Persistence;
using Orchestrator.StateStore.Persistence.Entities;
using Orchestrator.StateStore.Tasks;

namespace Orchestrator.StateStore.Heartbeats;

/// <summary>
/// Compares the containers a batch of heartbeats lists with what StateStore believes of their tasks. A container
/// whose task has ended, was stopped or moved on is told to stop. One whose task StateStore does not know is left
/// running and noted as unknown: it was forgotten (a database wiped or replaced), not ended, and only the operator
/// knows whether it is still wanted. For the current attempt, a lost report is stood in for
/// (<see cref="LostReportRecovery"/>) and a newer probe noted.
/// </summary>
public sealed class ContainerReconciler(TaskLifecycle lifecycle, LostReportRecovery lostReports)
{
    public async Task<HeartbeatFindings> ReconcileAsync(
        OrchestratorDbContext db, IReadOnlyList<NodeHeartbeat> heartbeats, CancellationToken cancellationToken)
    {
        var findings = new HeartbeatFindings();
        var taskIds = heartbeats.SelectMany(h => h.Containers).Select(c => c.TaskId).Distinct().ToList();
        if (taskIds.Count == 0)
            return findings;
        // Read untracked: most heartbeats change none of these tasks, and tracking them costs a JSON snapshot of
        // each one's spec. A task is attached only when a heartbeat records something on it.
        var tasks = await db.Tasks.AsNoTracking().Where(t => taskIds.Contains(t.Id)).ToDictionaryAsync(t => t.Id, cancellationToken);
        foreach (var heartbeat in heartbeats)
        foreach (var container in heartbeat.Containers)
            Reconcile(db, heartbeat.NodeId, container, tasks.GetValueOrDefault(container.TaskId), findings);
        return findings;
    }

    private void Reconcile(OrchestratorDbContext db, Guid nodeId, ContainerReport container, TaskRecord? task, HeartbeatFindings findings)
    {
        if (task is null)
        {
            if (container.Running)
                findings.AddUnknown(nodeId, container);
            return;
        }
        if (!task.IsCurrentAttempt(nodeId, container.Attempt) || task.DesiredState == DesiredState.Stopped)
        {
            if (container.Running)
                lifecycle.SendStop(task, nodeId, container.Attempt);
            return;
        }
        lostReports.Recover(db, task, container);
        // Newer than the probe read; TaskProbes records it only if it is still newer when written.
        if (container.Running && container.LastProbeAt is { } probedAt && (task.LastProbeAt is null || probedAt > task.LastProbeAt))
            findings.Probes.Add(new ProbeReport(task.Id, nodeId, container.Attempt, container.Health, probedAt, container.LastProbeResult));
    }
}
