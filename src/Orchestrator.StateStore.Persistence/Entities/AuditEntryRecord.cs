namespace Orchestrator.StateStore.Persistence.Entities;

/// <summary>
/// One change asked for through the Api: which key (by its name) asked, from which address, what it asked for and of
/// what. Written in the transaction of the change itself, so a change committed is never missing from the trail.
/// </summary>
public sealed class AuditEntryRecord
{
    public const int MaxCallerLength = 128;
    public const int MaxAddressLength = 64;
    public const int MaxKindLength = 64;
    public const int MaxSubjectLength = 300;

    public long Id { get; init; }
    public DateTimeOffset At { get; init; }

    /// <summary>The API key's name, or <c>anonymous</c> on an open Api.</summary>
    public required string Caller { get; init; }

    /// <summary>The client's address as the Api saw it.</summary>
    public string? Address { get; init; }

    /// <summary>The command, e.g. <c>CancelTask</c>.</summary>
    public required string Kind { get; init; }

    /// <summary>What it was asked of, e.g. <c>task/9f3c…</c>, <c>job/web</c>, <c>node/…</c>, <c>secret/db-password</c>.</summary>
    public string? Subject { get; init; }
}
