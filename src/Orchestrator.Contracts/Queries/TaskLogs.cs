namespace Orchestrator.Contracts;

/// <summary>
/// Log lines without their timestamps, the timestamp of the last line (the cursor for a follow), and whether the
/// container is still running. <paramref name="Found"/> is false when the node holds no container of the task.
/// </summary>
public sealed record TaskLogs(bool Found, string Text, DateTimeOffset? LastTimestamp, bool Running);
