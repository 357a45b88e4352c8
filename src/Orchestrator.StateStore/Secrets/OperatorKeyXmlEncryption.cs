using System.Security.Cryptography;
using System.Text;
using System.Xml.Linq;
using Microsoft.AspNetCore.DataProtection.XmlEncryption;

namespace Orchestrator.StateStore.Secrets;

/// <summary>
/// Encrypts each Data Protection key with the operator's key (AES-256-GCM) before it is stored in Postgres, so that a
/// copy of the database alone opens no secret. Data Protection's own extension point for this, as its certificate
/// and DPAPI encryptors are.
/// </summary>
public sealed class OperatorKeyXmlEncryptor(OperatorKey key) : IXmlEncryptor
{
    internal const string ElementName = "encryptedWithOperatorKey";
    private const int NonceBytes = 12;
    private const int TagBytes = 16;

    public EncryptedXmlInfo Encrypt(XElement plaintextElement)
    {
        var plaintext = Encoding.UTF8.GetBytes(plaintextElement.ToString(SaveOptions.DisableFormatting));
        var nonce = RandomNumberGenerator.GetBytes(NonceBytes);
        var ciphertext = new byte[plaintext.Length];
        var tag = new byte[TagBytes];
        using (var aes = new AesGcm(key.Bytes, TagBytes))
            aes.Encrypt(nonce, plaintext, ciphertext, tag, Encoding.UTF8.GetBytes(key.Id));
        CryptographicOperations.ZeroMemory(plaintext);
        var element = new XElement(ElementName,
            new XAttribute("keyId", key.Id),
            new XAttribute("nonce", Convert.ToBase64String(nonce)),
            new XAttribute("tag", Convert.ToBase64String(tag)),
            Convert.ToBase64String(ciphertext));
        return new EncryptedXmlInfo(element, typeof(OperatorKeyXmlDecryptor));
    }

    internal static XElement Decrypt(XElement encrypted, OperatorKey key)
    {
        var keyId = (string?)encrypted.Attribute("keyId");
        if (keyId != key.Id)
            throw new CryptographicException(
                $"The secrets' key ring was encrypted with operator key {keyId}, but {SecretOptions.Section}:Key is key {key.Id}: " +
                "start StateStore with the key the secrets were stored under.");
        var nonce = Convert.FromBase64String((string)encrypted.Attribute("nonce")!);
        var tag = Convert.FromBase64String((string)encrypted.Attribute("tag")!);
        var ciphertext = Convert.FromBase64String(encrypted.Value);
        var plaintext = new byte[ciphertext.Length];
        using (var aes = new AesGcm(key.Bytes, TagBytes))
            aes.Decrypt(nonce, ciphertext, tag, plaintext, Encoding.UTF8.GetBytes(key.Id));
        try
        {
            return XElement.Parse(Encoding.UTF8.GetString(plaintext));
        }
        finally
        {
            CryptographicOperations.ZeroMemory(plaintext);
        }
    }
}

/// <summary>Opens what <see cref="OperatorKeyXmlEncryptor"/> sealed; Data Protection creates it by its type name, with the services.</summary>
public sealed class OperatorKeyXmlDecryptor(IServiceProvider services) : IXmlDecryptor
{
    public XElement Decrypt(XElement encryptedElement) =>
        OperatorKeyXmlEncryptor.Decrypt(encryptedElement, services.GetRequiredService<OperatorKey>());
}
