namespace Orchestrator.StateStore.Persistence.Entities;

/// <summary>
/// A change made for a request that carried an <c>Idempotency-Key</c>: who sent it, the key, the command, a
/// fingerprint of the request (its method, path and body) and the answer it got. Written in the change's own
/// transaction, so a key is on record exactly when its change is; a repeat finds it and is given the same answer.
/// </summary>
public sealed class IdempotencyKeyRecord
{
    public const int MaxCallerLength = AuditEntryRecord.MaxCallerLength;
    public const int MaxKeyLength = 255;
    public const int MaxKindLength = AuditEntryRecord.MaxKindLength;

    /// <summary>The API key's name: two callers' keys never meet.</summary>
    public required string Caller { get; init; }

    public required string Key { get; init; }

    /// <summary>The command, e.g. <c>ApplyJob</c>; a request that sends two commands keeps one entry for each.</summary>
    public required string Kind { get; init; }

    /// <summary>
    /// The SHA-256 of the request, or, for a request that carries a secret's value, that hash protected with the
    /// operator's key: a bare hash of a short secret could be guessed.
    /// </summary>
    public required byte[] Fingerprint { get; init; }

    /// <summary>The answer's message type (its full name in the contracts) and the answer as JSON.</summary>
    public required string AnswerType { get; init; }

    public required string Answer { get; init; }

    public DateTimeOffset At { get; init; }
}
