namespace Orchestrator.WorkerAgent.Runtime;

/// <summary>
/// A container's output without its timestamps, the timestamp of the last line (the cursor for a follow), and
/// whether the container still runs. <paramref name="Found"/> is false when the node holds no container of the task.
/// </summary>
public sealed record ContainerLogs(bool Found, string Text, DateTimeOffset? LastTimestamp, bool Running);
