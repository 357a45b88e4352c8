namespace Orchestrator.WorkerAgent.Runtime;

/// <summary>
/// A chunk of a container's output without its timestamps, the timestamp of the last line (the cursor for a follow
/// or the next chunk), and whether the container still runs. <paramref name="Found"/> is false when the node holds no
/// container of the task; <paramref name="More"/>, that the chunk was full and more output follows it.
/// </summary>
public sealed record ContainerLogs(bool Found, string Text, DateTimeOffset? LastTimestamp, bool Running, bool More = false);
