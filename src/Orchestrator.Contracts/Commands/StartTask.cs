using Orchestrator.Domain.Tasks;

namespace Orchestrator.Contracts;

/// <summary>StateStore to the agent of <paramref name="NodeId"/>: run this attempt of the task as a container.</summary>
public sealed record StartTask(Guid TaskId, Guid NodeId, int Attempt, TaskSpec Spec);
