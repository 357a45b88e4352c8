using Orchestrator.Domain.Scheduling;
using Orchestrator.Domain.Tasks;

namespace Orchestrator.Contracts;

public sealed record PlacementWork(IReadOnlyList<PendingTask> Tasks, IReadOnlyList<NodeSnapshot> Nodes);

/// <param name="TraceParent">The submission's trace, which the Scheduler's span for this task joins.</param>
public sealed record PendingTask(Guid TaskId, int Version, TaskSpec Spec, string? Message, string? TraceParent = null);
