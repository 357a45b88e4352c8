namespace Orchestrator.Contracts;

/// <summary>
/// Api to the agent of the task's node (sent to its queue): the task's container output, stdout and stderr in
/// the order written. <paramref name="Since"/> continues from the last line seen (a follow, or the next chunk). At
/// most <paramref name="LimitBytes"/> come back, whole lines, so that no answer is larger than
/// <see cref="TaskLogs.MaxChunkBytes"/>. Answered with <see cref="TaskLogs"/>.
/// </summary>
public sealed record GetTaskLogs(Guid TaskId, int? Tail, DateTimeOffset? Since, int LimitBytes = TaskLogs.MaxChunkBytes);
