using System.Security.Cryptography;

namespace Orchestrator.Contracts;

/// <summary>
/// A value sealed to one holder of a P-256 private key, so that only ciphertext crosses the bus: ECDH between a fresh
/// key of the sealer's (<paramref name="SenderPublicKey"/>) and the recipient's key, HKDF-SHA256 to an AES-256 key,
/// then AES-GCM. A secret's value travels only like this: from the Api to StateStore, and from StateStore to the
/// agent that asked for it, each time to a key the recipient holds in memory or protected at rest.
/// </summary>
public sealed record SealedValue(byte[] SenderPublicKey, byte[] Nonce, byte[] Ciphertext, byte[] Tag)
{
    private const int KeyBytes = 32;
    private const int NonceBytes = 12;
    private const int TagBytes = 16;

    /// <summary>A new P-256 key pair for receiving sealed values; the public half as SubjectPublicKeyInfo.</summary>
    public static ECDiffieHellman NewRecipientKey() => ECDiffieHellman.Create(ECCurve.NamedCurves.nistP256);

    public static byte[] PublicKeyOf(ECDiffieHellman key) => key.ExportSubjectPublicKeyInfo();

    /// <summary>
    /// Seals <paramref name="plaintext"/> to <paramref name="recipientPublicKey"/>. The <paramref name="purpose"/> is bound
    /// in (a value sealed for one use does not open as another), such as the secret's name and the task it is for.
    /// </summary>
    public static SealedValue Seal(ReadOnlySpan<byte> plaintext, byte[] recipientPublicKey, string purpose)
    {
        using var recipient = ECDiffieHellman.Create();
        recipient.ImportSubjectPublicKeyInfo(recipientPublicKey, out _);
        using var sender = NewRecipientKey();
        var senderPublicKey = PublicKeyOf(sender);
        var key = DeriveKey(sender, recipient.PublicKey, senderPublicKey, recipientPublicKey, purpose);
        var nonce = RandomNumberGenerator.GetBytes(NonceBytes);
        var ciphertext = new byte[plaintext.Length];
        var tag = new byte[TagBytes];
        using (var aes = new AesGcm(key, TagBytes))
            aes.Encrypt(nonce, plaintext, ciphertext, tag, System.Text.Encoding.UTF8.GetBytes(purpose));
        CryptographicOperations.ZeroMemory(key);
        return new SealedValue(senderPublicKey, nonce, ciphertext, tag);
    }

    /// <summary>The plaintext, with the recipient's private key.</summary>
    /// <exception cref="CryptographicException">Sealed to another key or for another purpose, or altered on the way.</exception>
    public byte[] Open(ECDiffieHellman recipient, string purpose)
    {
        if (Nonce.Length != NonceBytes || Tag.Length != TagBytes)
            throw new CryptographicException("The sealed value is malformed.");
        using var sender = ECDiffieHellman.Create();
        sender.ImportSubjectPublicKeyInfo(SenderPublicKey, out _);
        var key = DeriveKey(recipient, sender.PublicKey, SenderPublicKey, PublicKeyOf(recipient), purpose);
        var plaintext = new byte[Ciphertext.Length];
        using (var aes = new AesGcm(key, TagBytes))
            aes.Decrypt(Nonce, Ciphertext, Tag, plaintext, System.Text.Encoding.UTF8.GetBytes(purpose));
        CryptographicOperations.ZeroMemory(key);
        return plaintext;
    }

    private static byte[] DeriveKey(ECDiffieHellman own, ECDiffieHellmanPublicKey other, byte[] senderPublicKey, byte[] recipientPublicKey, string purpose)
    {
        var shared = own.DeriveRawSecretAgreement(other);
        try
        {
            // Both public keys go into the salt, so the key belongs to this one exchange.
            return HKDF.DeriveKey(HashAlgorithmName.SHA256, shared, KeyBytes, [.. senderPublicKey, .. recipientPublicKey],
                System.Text.Encoding.UTF8.GetBytes($"orchestrator sealed value: {purpose}"));
        }
        finally
        {
            CryptographicOperations.ZeroMemory(shared);
        }
    }

    /// <summary>Never the bytes: a record's generated text would put the ciphertext into any log line that shows it.</summary>
    public override string ToString() => $"SealedValue({Ciphertext.Length} bytes)";
}
