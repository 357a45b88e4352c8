using System.Security.Cryptography;

namespace Orchestrator.StateStore.Secrets;

/// <summary>How StateStore keeps secrets (section <c>StateStore:Secrets</c>).</summary>
public sealed class SecretOptions
{
    public const string Section = "StateStore:Secrets";

    /// <summary>
    /// The operator's key, 32 random bytes in base64 (<c>head -c 32 /dev/urandom | base64</c>). It encrypts the key
    /// ring that encrypts every secret, so without it nothing in the database opens. Unset, StateStore keeps no
    /// secrets and refuses tasks that use them.
    /// </summary>
    public string? Key { get; set; }
}

/// <summary>The operator's key, read from <see cref="SecretOptions.Key"/>, and a short id that tells keys apart without showing them.</summary>
public sealed class OperatorKey
{
    public const int Length = 32;

    private OperatorKey(byte[] bytes)
    {
        Bytes = bytes;
        Id = Convert.ToHexStringLower(SHA256.HashData(bytes))[..16];
    }

    public byte[] Bytes { get; }

    public string Id { get; }

    /// <summary>The key, null when unset; a value that is not 32 bytes of base64 is an error naming the setting.</summary>
    public static OperatorKey? From(SecretOptions options)
    {
        if (string.IsNullOrWhiteSpace(options.Key))
            return null;
        var bytes = new byte[Length + 1];
        if (!Convert.TryFromBase64String(options.Key.Trim(), bytes, out var written) || written != Length)
            throw new InvalidOperationException(
                $"{SecretOptions.Section}:Key must be {Length} random bytes in base64 (head -c {Length} /dev/urandom | base64).");
        return new OperatorKey(bytes[..Length]);
    }
}
