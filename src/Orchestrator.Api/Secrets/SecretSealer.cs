using MassTransit;
using Orchestrator.Contracts;

namespace Orchestrator.Api.Secrets;

/// <summary>
/// Seals a value (a secret's, a registry's password) to StateStore's intake key before it leaves the Api, so the bus
/// carries only ciphertext. The key is asked for once and kept; when StateStore answers that it changed, it is asked
/// for again, once.
/// </summary>
public sealed class SecretSealer(IRequestClient<GetSecretIntakeKey> intake, SecretSealer.IntakeKeyCache cache)
{
    /// <summary>StateStore's intake key as last told, kept across requests.</summary>
    public sealed class IntakeKeyCache
    {
        public byte[]? Key { get; set; }
    }

    /// <summary>What StateStore answered: what it stored, or why the cluster keeps no secrets, or why it refused the value.</summary>
    public sealed record Stored<T>(T? Details, string? Unavailable, string? Refused) where T : class;

    /// <summary>
    /// Seals <paramref name="value"/> for <paramref name="purpose"/>, sends the command <paramref name="command"/> makes of
    /// the intake key and the sealed value, and returns StateStore's answer.
    /// </summary>
    public async Task<Stored<T>> StoreAsync<TCommand, T>(IRequestClient<TCommand> client, byte[] value, string purpose,
        Func<byte[], SealedValue, TCommand> command, CancellationToken cancellationToken)
        where TCommand : class
        where T : class
    {
        for (var attempt = 0; ; attempt++)
        {
            if (cache.Key is null || attempt > 0)
            {
                var key = await intake.GetResponse<SecretIntakeKey, SecretsUnavailable>(new GetSecretIntakeKey(), cancellationToken);
                if (key.Is(out Response<SecretsUnavailable>? none))
                    return new Stored<T>(null, none.Message.Reason, null);
                key.Is(out Response<SecretIntakeKey>? intakeKey);
                cache.Key = intakeKey!.Message.PublicKey;
            }
            var intakePublicKey = cache.Key;
            var response = await client.GetResponse<T, SecretRefused, SecretsUnavailable>(
                command(intakePublicKey, SealedValue.Seal(value, intakePublicKey, purpose)), cancellationToken);
            if (response.Is(out Response<T>? stored))
                return new Stored<T>(stored.Message, null, null);
            if (response.Is(out Response<SecretsUnavailable>? unavailable))
                return new Stored<T>(null, unavailable.Message.Reason, null);
            // StateStore's intake key changed since the Api asked for it: ask again, once.
            if (attempt > 0)
            {
                response.Is(out Response<SecretRefused>? refused);
                return new Stored<T>(null, null, refused!.Message.Reason);
            }
        }
    }
}
