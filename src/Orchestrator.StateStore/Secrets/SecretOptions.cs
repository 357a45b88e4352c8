using System.Security.Cryptography;

namespace Orchestrator.StateStore.Secrets;

/// <summary>How StateStore keeps secrets (section <c>StateStore:Secrets</c>).</summary>
public sealed class SecretOptions
{
    public const string Section = "StateStore:Secrets";

    /// <summary>
    /// The operator's key: at least 32 characters, random (<c>head -c 32 /dev/urandom | base64</c>). It encrypts the
    /// key ring that encrypts every secret, so without it nothing in the database opens. Unset, StateStore keeps no
    /// secrets and refuses tasks that use them.
    /// </summary>
    public string? Key { get; set; }
}

/// <summary>The operator's key, read from <see cref="SecretOptions.Key"/>, and a short id that tells keys apart without showing them.</summary>
public sealed class OperatorKey
{
    public const int MinLength = 32;
    private const int KeyBytes = 32;

    private OperatorKey(byte[] bytes)
    {
        Bytes = bytes;
        Id = Convert.ToHexStringLower(SHA256.HashData(bytes))[..16];
    }

    /// <summary>The AES-256 key, derived from the setting with HKDF-SHA256, so any long random text serves.</summary>
    public byte[] Bytes { get; }

    public string Id { get; }

    /// <summary>The key, null when unset; one shorter than <see cref="MinLength"/> is an error naming the setting.</summary>
    public static OperatorKey? From(SecretOptions options)
    {
        if (string.IsNullOrWhiteSpace(options.Key))
            return null;
        var text = options.Key.Trim();
        if (text.Length < MinLength)
            throw new InvalidOperationException(
                $"{SecretOptions.Section}:Key must be at least {MinLength} random characters (head -c 32 /dev/urandom | base64).");
        return new OperatorKey(HKDF.DeriveKey(HashAlgorithmName.SHA256, System.Text.Encoding.UTF8.GetBytes(text), KeyBytes,
            info: "orchestrator operator key"u8.ToArray()));
    }
}
