namespace Orchestrator.Contracts;

/// <summary>
/// Agent report: the container of this attempt is gone or has exited. <paramref name="Error"/> is set when it
/// never ran (a missing image, a refused create), and then <paramref name="ExitCode"/> is null.
/// </summary>
public sealed record TaskExited(
    Guid TaskId,
    Guid NodeId,
    int Attempt,
    string? ContainerId,
    long? ExitCode,
    bool OomKilled,
    string? Error,
    DateTimeOffset FinishedAt);
