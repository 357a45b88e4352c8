using Orchestrator.Domain.Tasks;

namespace Orchestrator.Contracts;

/// <summary>StateStore: the task reached a terminal state, so its node's capacity is free again.</summary>
public sealed record TaskFinished(Guid TaskId, TaskState State, Guid? NodeId);
