using Microsoft.EntityFrameworkCore;
using Orchestrator.Contracts;
using Orchestrator.Domain.Tasks;
using Orchestrator.StateStore.Liveness;
using Orchestrator.StateStore.Persistence;
using Orchestrator.StateStore.Persistence.Entities;
using Orchestrator.StateStore.Tasks;

namespace Orchestrator.StateStore.Heartbeats;

/// <summary>
/// A StartTask lost on the way to its agent (its queue purged or deleted, a broker that lost an unreplicated queue):
/// the task would stay Scheduled for good, as nothing else looks at a task its node does not report. A heartbeat lists
/// every container the agent holds and every start it has under way; a Scheduled attempt on the node that it lists
/// neither way is judged by <see cref="LostStartVerdict"/>: its StartTask re-sent, or after the last re-send, the
/// attempt given up so the task is placed again. A lost StartTask is so repaired within the grace and a heartbeat.
/// </summary>
public sealed class LostStartRecovery(TaskLifecycle lifecycle, HeartbeatBacklog backlog, LivenessOptions options)
{
    public async Task RecoverAsync(OrchestratorDbContext db, IReadOnlyList<NodeHeartbeat> heartbeats, CancellationToken cancellationToken)
    {
        // As of when the heartbeats speak: read late, they are older than StateStore's clock says.
        var heardAt = lifecycle.Now - backlog.Current;
        var quietSince = heardAt - options.StartGrace;
        var nodes = heartbeats.ToDictionary(heartbeat => heartbeat.NodeId);
        var nodeIds = nodes.Keys.ToList();
        // Untracked, as the containers' tasks are: nearly always none, and a task is attached only to record on it.
        var quiet = await db.Tasks.AsNoTracking()
            .Where(t => t.State == TaskState.Scheduled && t.DesiredState == DesiredState.Running
                && t.NodeId != null && nodeIds.Contains(t.NodeId.Value) && t.ScheduledAt < quietSince)
            .ToListAsync(cancellationToken);
        foreach (var task in quiet)
        {
            var heartbeat = nodes[task.NodeId!.Value];
            var verdict = LostStartVerdict.Judge(
                Holds(heartbeat, task), task.ScheduledAt!.Value, task.StartResends, heardAt, options.StartGrace, options.MaxStartResends);
            var silence = heardAt - task.ScheduledAt.Value;
            switch (verdict)
            {
                case LostStartAction.Resend:
                    lifecycle.ResendStart(LostReportRecovery.Track(db, task), heartbeat.Name, silence);
                    break;
                case LostStartAction.Replace:
                    lifecycle.GiveUpUnstarted(LostReportRecovery.Track(db, task),
                        $"node {heartbeat.Name} never started it: no container after {task.StartResends} re-sends of its StartTask");
                    break;
            }
        }
    }

    /// <summary>The heartbeat lists the attempt's container, or its start as under way.</summary>
    private static bool Holds(NodeHeartbeat heartbeat, TaskRecord task) =>
        heartbeat.Containers.Any(c => c.TaskId == task.Id && c.Attempt == task.Attempt)
        || (heartbeat.Starting ?? []).Any(s => s.TaskId == task.Id && s.Attempt == task.Attempt);
}
