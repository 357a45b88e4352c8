namespace Orchestrator.Contracts;

/// <summary>
/// Api to the agent of the task's node (sent to its queue): the task's container output, stdout and stderr in
/// the order written. <paramref name="Since"/> continues from the last line seen (a follow, or the next chunk). At
/// most <paramref name="LimitBytes"/> come back, and never more than <see cref="TaskLogs.MaxChunkBytes"/>: whole
/// lines, or the start of one line that is longer than that alone. Answered with <see cref="TaskLogs"/>.
/// </summary>
public sealed record GetTaskLogs(Guid TaskId, int? Tail, DateTimeOffset? Since, int LimitBytes = TaskLogs.MaxChunkBytes);
