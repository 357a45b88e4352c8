using Orchestrator.Domain.Scheduling;
using Orchestrator.Domain.Tasks;

namespace Orchestrator.Contracts;

/// <param name="Nodes">Every node, when asked for and when there are tasks to place; otherwise empty.</param>
/// <param name="Next">Where the next batch starts when this one was full; null when no Pending task is behind it.</param>
public sealed record PlacementWork(IReadOnlyList<PendingTask> Tasks, IReadOnlyList<NodeSnapshot> Nodes, PendingCursor? Next = null);

/// <param name="TraceParent">The submission's trace, which the Scheduler's span for this task joins.</param>
/// <param name="Job">The job the task belongs to, whose tasks placement spreads over the nodes.</param>
/// <param name="VolumeNode">The node that holds the task's volumes, which it is placed on or waits for.</param>
public sealed record PendingTask(
    Guid TaskId, int Version, TaskSpec Spec, string? Message, string? TraceParent = null, string? Job = null, Guid? VolumeNode = null)
{
    /// <summary>The spec placement checks: pinned to the node that holds the task's volumes, if it has one.</summary>
    public TaskSpec PlacementSpec => Spec.HeldTo(VolumeNode);
}
