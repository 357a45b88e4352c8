using System.Diagnostics;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata;
using Orchestrator.Domain.Jobs;
using Orchestrator.Domain.Scheduling;
using Orchestrator.Domain.Nodes;
using Orchestrator.Domain.Tasks;
using Orchestrator.StateStore.Admission;
using Orchestrator.StateStore.Persistence;
using Orchestrator.StateStore.Persistence.Entities;
using Orchestrator.StateStore.Persistence.Queries;
using Orchestrator.StateStore.Telemetry;

namespace Orchestrator.StateStore.Jobs;

/// <summary>A system job: one task pinned to every eligible node (<see cref="SystemRollout"/>).</summary>
public sealed partial class JobReconciler
{
    /// <summary>
    /// One step of a system job (<see cref="SystemRollout"/>): a task pinned to each eligible node, none elsewhere, and
    /// a new revision rolled out one node at a time.
    /// </summary>
    private async Task<IReadOnlyList<TaskRecord>> ReconcileSystemAsync(JobRecord job, CancellationToken cancellationToken)
    {
        var tasks = await db.UnfinishedJobTasks(job.Name).ToListAsync(cancellationToken);
        var nodes = await db.LoadSnapshotsAsync(onlyNodes: null, cancellationToken);
        var eligible = nodes.Where(n => CandidateFilter.IsEligible(job.Spec, n)).Select(n => n.Id).ToHashSet();
        var down = nodes.Where(n => n.Status == NodeStatus.Down).Select(n => n.Id).ToHashSet();
        var plan = SystemRollout.Plan(job.Revision, eligible, down, tasks.Where(t => t.Spec.NodeId is not null).Select(AsSystemTask).ToList());

        var names = nodes.ToDictionary(n => n.Id, n => n.Name);
        foreach (var id in plan.Stop)
        {
            var task = tasks.Single(t => t.Id == id);
            var node = task.Spec.NodeId!.Value;
            lifecycle.RequestStop(task, eligible.Contains(node)
                ? StopReason(job, task)
                : $"job {job.Name} no longer runs on node {names.GetValueOrDefault(node, node.ToString())}: {NodeState(nodes, node)}");
        }
        job.ClearMessage();
        job.NoteEligible(eligible.Count, nodes.Count);
        if (plan.Start.Count > 0 && await MayStartAsync(job, cancellationToken))
            foreach (var node in plan.Start)
                tasks.Add(await StartAsync(job, await SystemSlotAsync(job, node, tasks, cancellationToken), cancellationToken, node));
        if (tasks.Any(t => !t.IsTerminal && t.DesiredState == DesiredState.Running && t.JobRevision != job.Revision))
            job.NoteRollout();
        return tasks.Where(t => !t.IsTerminal).ToList();
    }

    private static string NodeState(IReadOnlyList<NodeSnapshot> nodes, Guid node) =>
        nodes.FirstOrDefault(n => n.Id == node) is { } found
            ? found.Status == NodeStatus.Ready ? "it no longer matches the task's constraints or host volumes" : found.Status.ToString()
            : "it is not registered";

    private static SystemTask AsSystemTask(TaskRecord task) => new(
        task.Id, task.Spec.NodeId!.Value, task.JobRevision ?? 0, task.IsAvailable, task.DesiredState == DesiredState.Running, task.CreatedAt);

    /// <summary>
    /// The slot of a system job's new task on <paramref name="node"/>: the slot its latest task there had, so a node
    /// keeps its name (and its slot's volumes) across revisions, else the lowest one free.
    /// </summary>
    private async Task<int> SystemSlotAsync(JobRecord job, Guid node, IReadOnlyList<TaskRecord> unfinished, CancellationToken cancellationToken)
    {
        var held = unfinished.Where(t => !t.IsTerminal).Select(SlotOf).ToHashSet();
        var previous = await db.Tasks
            .Where(t => t.JobName == job.Name && t.NodeId == node && t.JobSlot != null)
            .OrderByDescending(t => t.CreatedAt)
            .Select(t => t.JobSlot)
            .FirstOrDefaultAsync(cancellationToken);
        return previous is { } slot && !held.Contains(slot) ? slot : JobRollout.FreeSlots(1, held)[0];
    }
}
