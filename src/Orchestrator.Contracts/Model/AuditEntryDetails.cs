namespace Orchestrator.Contracts;

/// <summary>
/// One change asked for through the Api: when, which key (by its name) from which address, the command
/// (<paramref name="Kind"/>, e.g. <c>CancelTask</c>) and what it was asked of (<paramref name="Subject"/>, e.g.
/// <c>task/9f3c…</c>). <paramref name="Sequence"/> rises in the order entries were written: where the next page starts.
/// </summary>
public sealed record AuditEntryDetails(long Sequence, DateTimeOffset At, string Key, string? Address, string Kind, string? Subject);
