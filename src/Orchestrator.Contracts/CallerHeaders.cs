namespace Orchestrator.Contracts;

/// <summary>
/// Who asked for a change: headers the Api puts on every message it sends while answering a request, and StateStore
/// writes into the audit trail in the change's own transaction.
/// </summary>
public static class CallerHeaders
{
    /// <summary>The API key's name (<c>anonymous</c> on an open Api).</summary>
    public const string Key = "Orchestrator-Caller";

    /// <summary>The client's address as the Api saw it.</summary>
    public const string Address = "Orchestrator-Caller-Address";

    /// <summary>
    /// The request's <c>Idempotency-Key</c>, when it has one: StateStore answers a repeat of a change made with it
    /// with the first answer, and makes no second change.
    /// </summary>
    public const string IdempotencyKey = "Orchestrator-Idempotency-Key";

    /// <summary>The SHA-256 of the request that carried the key (method, path and body), in hex.</summary>
    public const string RequestFingerprint = "Orchestrator-Request-Fingerprint";
}

/// <summary>
/// The refusal of a change whose <c>Idempotency-Key</c> was used before, by the same caller, for a different request.
/// StateStore answers the request with it as a fault, which the Api turns into a 422; nothing was changed.
/// </summary>
public sealed class IdempotencyKeyReusedException(string key)
    : Exception($"The Idempotency-Key {key} was used before for a different request; nothing was changed.")
{
    public string Key { get; } = key;
}
