using MassTransit;
using Orchestrator.Contracts;
using Orchestrator.StateStore.Audit;
using Orchestrator.StateStore.Persistence.Entities;

namespace Orchestrator.StateStore.Idempotency;

/// <summary>
/// The <c>Idempotency-Key</c> a change was asked for with, as the Api put it on the message (<see cref="CallerHeaders"/>):
/// the caller, the key, the command and the request's fingerprint.
/// </summary>
public sealed record RequestKey(string Caller, string Key, string Kind, byte[] Fingerprint)
{
    /// <summary>The message's key, or null when it has none (or one the Api would not have sent).</summary>
    public static RequestKey? Of(ConsumeContext context)
    {
        var headers = context.Headers;
        if (headers.Get<string>(CallerHeaders.Key) is not { Length: > 0 } caller
            || headers.Get<string>(CallerHeaders.IdempotencyKey) is not { Length: > 0 } key
            || headers.Get<string>(CallerHeaders.RequestFingerprint) is not { Length: 64 } hex)
            return null;
        byte[] fingerprint;
        try
        {
            fingerprint = Convert.FromHexString(hex);
        }
        catch (FormatException)
        {
            return null;
        }
        // Cut as the audit trail cuts it: key names are the operator's, and short.
        return new RequestKey(caller[..Math.Min(caller.Length, IdempotencyKeyRecord.MaxCallerLength)], key, AuditTrail.Describe(context).Kind, fingerprint);
    }
}
