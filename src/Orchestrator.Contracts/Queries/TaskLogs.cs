namespace Orchestrator.Contracts;

/// <summary>
/// Log lines without their timestamps, the timestamp of the last line (the cursor for a follow or the next chunk),
/// and whether the container is still running. <paramref name="Found"/> is false when the node holds no container of
/// the task. <paramref name="More"/>: the chunk was full, and more output follows its last line.
/// </summary>
public sealed record TaskLogs(bool Found, string Text, DateTimeOffset? LastTimestamp, bool Running, bool More = false)
{
    /// <summary>The most output one answer carries: a larger log comes back in chunks, each a bus message.</summary>
    public const int MaxChunkBytes = 256 * 1024;
}
