namespace Orchestrator.Contracts;

/// <summary>
/// Agent report: the container of this attempt has exited for good, or never ran. <paramref name="Error"/> is
/// set when it never ran (a missing image, a refused create), and then <paramref name="ExitCode"/> is null.
/// <paramref name="Detail"/> adds why it ended, e.g. "gave up after 3 restarts". <paramref name="Unhealthy"/>
/// means the agent stopped it because its health check failed, so even exit 0 is a failure.
/// <paramref name="OutputTail"/> is the end of the container's output (stdout and stderr in the order written, at most
/// 4 KiB, cut on a UTF-8 boundary), kept so it outlives the container; <paramref name="OutputTailCut"/> says that earlier
/// output was left out. Null when the container never ran or its output could not be read.
/// </summary>
public sealed record TaskExited(
    Guid TaskId,
    Guid NodeId,
    int Attempt,
    string? ContainerId,
    long? ExitCode,
    bool OomKilled,
    string? Error,
    DateTimeOffset FinishedAt,
    string? Detail = null,
    bool Unhealthy = false,
    string? OutputTail = null,
    bool OutputTailCut = false) : ITaskReport;
