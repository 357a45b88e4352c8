using MassTransit;
using Orchestrator.Contracts;

namespace Orchestrator.Api.Secrets;

/// <summary>
/// Seals a secret's value to StateStore's intake key before it leaves the Api, so the bus carries only ciphertext.
/// The key is asked for once and kept; when StateStore answers that it changed, it is asked for again.
/// </summary>
public sealed class SecretSealer(IRequestClient<GetSecretIntakeKey> intake, SecretSealer.IntakeKeyCache cache)
{
    /// <summary>StateStore's intake key as last told, kept across requests.</summary>
    public sealed class IntakeKeyCache
    {
        public byte[]? Key { get; set; }
    }

    /// <summary>The command that sets the secret, or why the cluster keeps no secrets.</summary>
    public async Task<(SetSecret? Command, string? Unavailable)> SealAsync(string name, byte[] value, bool askAgain, CancellationToken cancellationToken)
    {
        if (cache.Key is null || askAgain)
        {
            var response = await intake.GetResponse<SecretIntakeKey, SecretsUnavailable>(new GetSecretIntakeKey(), cancellationToken);
            if (response.Is(out Response<SecretsUnavailable>? unavailable))
                return (null, unavailable.Message.Reason);
            response.Is(out Response<SecretIntakeKey>? key);
            cache.Key = key!.Message.PublicKey;
        }
        var intakeKey = cache.Key;
        return (new SetSecret(name, intakeKey, SealedValue.Seal(value, intakeKey, SecretPurposes.Intake(name))), null);
    }
}
