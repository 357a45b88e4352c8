using Orchestrator.Domain.Tasks;

namespace Orchestrator.Contracts;

/// <summary>Api to StateStore: record a validated spec as a new Pending task. Answered with <see cref="TaskDetails"/>.</summary>
public sealed record SubmitTask(Guid TaskId, TaskSpec Spec);
