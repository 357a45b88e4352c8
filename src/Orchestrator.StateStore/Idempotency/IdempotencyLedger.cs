using System.Security.Cryptography;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Npgsql;
using Orchestrator.Contracts;
using Orchestrator.StateStore.Persistence;
using Orchestrator.StateStore.Persistence.Entities;
using Orchestrator.StateStore.Secrets;

namespace Orchestrator.StateStore.Idempotency;

/// <summary>
/// The answers given to changes asked for with an <c>Idempotency-Key</c> (<c>idempotency_keys</c>). A change runs and
/// its answer is recorded in one transaction; a repeat of the same request finds the answer and is given it, with
/// nothing run again; the same key with a different request is refused (<see cref="IdempotencyKeyReusedException"/>).
/// Keys are kept for <see cref="Retention.RetentionOptions.IdempotencyKeys"/>.
/// </summary>
public sealed class IdempotencyLedger(SecretVault vault, TimeProvider clock)
{
    private const string FingerprintPurpose = "idempotency-fingerprint";

    /// <summary>
    /// The answer on record for <paramref name="request"/>, or <paramref name="work"/>'s, recorded. Runs inside the
    /// caller's transaction; <paramref name="replaying"/> is called when the answer is the recorded one.
    /// </summary>
    public async Task<object> AnswerOnceAsync(
        OrchestratorDbContext db, RequestKey request, Func<OrchestratorDbContext, Task<object>> work, Action replaying,
        CancellationToken cancellationToken)
    {
        var entry = await db.IdempotencyKeys.AsNoTracking().SingleOrDefaultAsync(
            e => e.Caller == request.Caller && e.Key == request.Key && e.Kind == request.Kind, cancellationToken);
        if (entry is not null)
        {
            if (!Matches(entry, request))
                throw new IdempotencyKeyReusedException(request.Key);
            replaying();
            return AnswerOf(entry);
        }
        var answer = await work(db);
        db.IdempotencyKeys.Add(new IdempotencyKeyRecord
        {
            Caller = request.Caller,
            Key = request.Key,
            Kind = request.Kind,
            Fingerprint = Sensitive(request.Kind) ? vault.Protect(FingerprintPurpose, request.Fingerprint) : request.Fingerprint,
            AnswerType = answer.GetType().FullName!,
            Answer = JsonSerializer.Serialize(answer, answer.GetType(), ContractJson.Options),
            At = clock.GetUtcNow(),
        });
        return answer;
    }

    /// <summary>Whether a commit failed because the same request committed its entry first.</summary>
    public static bool IsRace(DbUpdateException error) =>
        error.InnerException is PostgresException { SqlState: PostgresErrorCodes.UniqueViolation, TableName: "idempotency_keys" };

    /// <summary>
    /// A request that carries a secret's value or a registry's password: its fingerprint is a hash of that value, kept
    /// protected like the value itself.
    /// </summary>
    public static bool Sensitive(string kind) => kind is nameof(SetSecret) or nameof(SetRegistryCredentials);

    private bool Matches(IdempotencyKeyRecord entry, RequestKey request)
    {
        var recorded = Sensitive(entry.Kind) ? vault.Unprotect(FingerprintPurpose, entry.Fingerprint) : entry.Fingerprint;
        return CryptographicOperations.FixedTimeEquals(recorded, request.Fingerprint);
    }

    private static object AnswerOf(IdempotencyKeyRecord entry)
    {
        var type = typeof(CallerHeaders).Assembly.GetType(entry.AnswerType)
            ?? throw new InvalidOperationException($"The answer recorded for Idempotency-Key {entry.Key} is a {entry.AnswerType}, which this version does not know.");
        return JsonSerializer.Deserialize(entry.Answer, type, ContractJson.Options)!;
    }
}
