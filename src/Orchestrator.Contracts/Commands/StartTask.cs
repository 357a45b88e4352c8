using Orchestrator.Domain.Tasks;

namespace Orchestrator.Contracts;

/// <summary>StateStore to the agent of <paramref name="NodeId"/>: run this attempt of the task as a container.</summary>
/// <param name="Job">The job the task belongs to, if any, and <paramref name="Slot"/>, its place in the job (web-2 is
/// slot 2): they name the slot's volumes, and the task sees them in its environment.</param>
public sealed record StartTask(Guid TaskId, Guid NodeId, int Attempt, TaskSpec Spec, string? Job = null, int? Slot = null);
