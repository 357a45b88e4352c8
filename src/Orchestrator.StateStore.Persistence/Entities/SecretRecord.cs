namespace Orchestrator.StateStore.Persistence.Entities;

/// <summary>A secret: its value only as Data Protection's ciphertext, which the operator's key guards (StateStore's <c>SecretVault</c>).</summary>
public sealed class SecretRecord
{
    public required string Name { get; init; }

    /// <summary>The value, protected for this secret's name; never the cleartext.</summary>
    public byte[] ProtectedValue { get; private set; } = [];

    /// <summary>1 when set first, one more at every new value: a job that uses the secret rolls out when it moves.</summary>
    public int Version { get; private set; }

    public DateTimeOffset CreatedAt { get; init; }

    public DateTimeOffset UpdatedAt { get; private set; }

    public static SecretRecord Create(string name, byte[] protectedValue, DateTimeOffset now) =>
        new() { Name = name, ProtectedValue = protectedValue, Version = 1, CreatedAt = now, UpdatedAt = now };

    public void Replace(byte[] protectedValue, DateTimeOffset now)
    {
        ProtectedValue = protectedValue;
        Version++;
        UpdatedAt = now;
    }
}

/// <summary>A key pair StateStore receives sealed values with; the private half protected like a secret's value.</summary>
public sealed class SecretKeyRecord
{
    public const string IntakeId = "intake";

    public required string Id { get; init; }

    public required byte[] PublicKey { get; init; }

    public required byte[] ProtectedPrivateKey { get; init; }

    public DateTimeOffset CreatedAt { get; init; }
}
