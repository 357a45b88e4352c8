namespace Orchestrator.Contracts;

/// <summary>
/// Api to the agent of the task's node (sent to its queue): the task's container output, stdout and stderr in
/// the order written. <paramref name="Since"/> continues a follow from the last line seen. Answered with
/// <see cref="TaskLogs"/>.
/// </summary>
public sealed record GetTaskLogs(Guid TaskId, int? Tail, DateTimeOffset? Since);
