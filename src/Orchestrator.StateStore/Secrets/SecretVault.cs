using System.Security.Cryptography;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.EntityFrameworkCore;
using Npgsql;
using Orchestrator.Contracts;
using Orchestrator.StateStore.Persistence;
using Orchestrator.StateStore.Persistence.Entities;

namespace Orchestrator.StateStore.Secrets;

/// <summary>
/// Where a secret's value is turned into ciphertext and back. At rest a value is Data Protection's ciphertext, bound
/// to the secret's name; its key ring lives in Postgres, each key encrypted with the operator's key. On the bus a value
/// is sealed to a key its recipient holds (<see cref="SealedValue"/>): StateStore's intake key from the Api, the
/// agent's one-request key to the agent. Cleartext exists only in memory, for the moment it takes to re-seal it.
/// </summary>
public sealed class SecretVault(IServiceProvider services, TimeProvider clock)
{
    private const string Purpose = "Orchestrator.Secrets";
    private ECDiffieHellman? _intake;
    private byte[]? _intakePublicKey;
    private readonly SemaphoreSlim _intakeGate = new(1, 1);

    /// <summary>Null when StateStore can keep secrets; otherwise why not, for the caller's answer.</summary>
    public string? Unavailable => services.GetService<OperatorKey>() is null
        ? $"this cluster keeps no secrets: StateStore has no operator key ({SecretOptions.Section}:Key)"
        : null;

    public byte[] Protect(string name, byte[] plaintext) => Protector(name).Protect(plaintext);

    public byte[] Unprotect(string name, byte[] protectedValue) => Protector(name).Unprotect(protectedValue);

    /// <summary>
    /// Opens a value sealed to the intake key for <paramref name="sealPurpose"/> and protects it for
    /// <paramref name="name"/>; the cleartext lives only in between.
    /// </summary>
    public byte[] ProtectSealed(SealedValue value, ECDiffieHellman intake, string sealPurpose, string name)
    {
        var plaintext = value.Open(intake, sealPurpose);
        try
        {
            return Protect(name, plaintext);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(plaintext);
        }
    }

    /// <summary>StateStore's intake key: made once, kept in <c>secret_keys</c> with its private half protected.</summary>
    public async Task<(ECDiffieHellman Key, byte[] PublicKey)> IntakeKeyAsync(OrchestratorDbContext db, CancellationToken cancellationToken)
    {
        if (_intake is not null)
            return (_intake, _intakePublicKey!);
        await _intakeGate.WaitAsync(cancellationToken);
        try
        {
            if (_intake is not null)
                return (_intake, _intakePublicKey!);
            var stored = await db.SecretKeys.AsNoTracking().SingleOrDefaultAsync(k => k.Id == SecretKeyRecord.IntakeId, cancellationToken)
                ?? await CreateIntakeKeyAsync(db, cancellationToken);
            var key = ECDiffieHellman.Create();
            var privateKey = Unprotect(SecretKeyRecord.IntakeId, stored.ProtectedPrivateKey);
            try
            {
                key.ImportPkcs8PrivateKey(privateKey, out _);
            }
            finally
            {
                CryptographicOperations.ZeroMemory(privateKey);
            }
            _intakePublicKey = stored.PublicKey;
            _intake = key;
            return (key, stored.PublicKey);
        }
        finally
        {
            _intakeGate.Release();
        }
    }

    private async Task<SecretKeyRecord> CreateIntakeKeyAsync(OrchestratorDbContext db, CancellationToken cancellationToken)
    {
        using var key = SealedValue.NewRecipientKey();
        var privateKey = key.ExportPkcs8PrivateKey();
        var record = new SecretKeyRecord
        {
            Id = SecretKeyRecord.IntakeId,
            PublicKey = SealedValue.PublicKeyOf(key),
            ProtectedPrivateKey = Protect(SecretKeyRecord.IntakeId, privateKey),
            CreatedAt = clock.GetUtcNow(),
        };
        CryptographicOperations.ZeroMemory(privateKey);
        db.SecretKeys.Add(record);
        try
        {
            await db.SaveChangesAsync(cancellationToken);
            return record;
        }
        catch (DbUpdateException error) when (error.InnerException is PostgresException { SqlState: PostgresErrorCodes.UniqueViolation })
        {
            // Another StateStore made it first: every instance uses that one.
            db.ChangeTracker.Clear();
            return await db.SecretKeys.AsNoTracking().SingleAsync(k => k.Id == SecretKeyRecord.IntakeId, cancellationToken);
        }
    }

    private IDataProtector Protector(string name) =>
        services.GetRequiredService<IDataProtectionProvider>().CreateProtector(Purpose, name);
}
