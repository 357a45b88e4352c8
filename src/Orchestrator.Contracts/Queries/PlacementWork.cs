using Orchestrator.Domain.Scheduling;
using Orchestrator.Domain.Tasks;

namespace Orchestrator.Contracts;

public sealed record PlacementWork(IReadOnlyList<PendingTask> Tasks, IReadOnlyList<NodeSnapshot> Nodes);

public sealed record PendingTask(Guid TaskId, int Version, TaskSpec Spec, string? Message);
