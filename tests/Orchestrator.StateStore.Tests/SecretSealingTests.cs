using System.Security.Cryptography;
using System.Text;
using System.Xml.Linq;
using Microsoft.Extensions.DependencyInjection;
using Orchestrator.Contracts;
using Orchestrator.StateStore.Secrets;

namespace Orchestrator.StateStore.Tests;

/// <summary>How a secret's value is sealed for the bus, and how the operator's key seals the key ring at rest.</summary>
public sealed class SecretSealingTests
{
    private static readonly byte[] Value = Encoding.UTF8.GetBytes("s3cret value");

    [Fact]
    public void A_sealed_value_opens_with_the_recipients_key_for_its_purpose_and_carries_no_cleartext()
    {
        using var recipient = SealedValue.NewRecipientKey();

        var sealedValue = SealedValue.Seal(Value, SealedValue.PublicKeyOf(recipient), "secret db for task 1");

        Assert.Equal(Value, sealedValue.Open(recipient, "secret db for task 1"));
        Assert.False(sealedValue.Ciphertext.AsSpan().IndexOf(Value) >= 0);
        Assert.DoesNotContain("s3cret", sealedValue.ToString());
    }

    [Fact]
    public void A_sealed_value_does_not_open_with_another_key_for_another_purpose_or_altered()
    {
        using var recipient = SealedValue.NewRecipientKey();
        using var other = SealedValue.NewRecipientKey();
        var sealedValue = SealedValue.Seal(Value, SealedValue.PublicKeyOf(recipient), "secret db for task 1");
        var altered = sealedValue with { Ciphertext = [.. sealedValue.Ciphertext.Select((b, i) => i == 0 ? (byte)(b ^ 1) : b)] };

        Assert.ThrowsAny<CryptographicException>(() => sealedValue.Open(other, "secret db for task 1"));
        Assert.ThrowsAny<CryptographicException>(() => sealedValue.Open(recipient, "secret db for task 2"));
        Assert.ThrowsAny<CryptographicException>(() => altered.Open(recipient, "secret db for task 1"));
    }

    [Fact]
    public void Two_seals_of_one_value_differ_so_a_repeat_is_not_seen()
    {
        using var recipient = SealedValue.NewRecipientKey();
        var publicKey = SealedValue.PublicKeyOf(recipient);

        var first = SealedValue.Seal(Value, publicKey, "p");
        var second = SealedValue.Seal(Value, publicKey, "p");

        Assert.NotEqual(first.Ciphertext, second.Ciphertext);
        Assert.NotEqual(first.SenderPublicKey, second.SenderPublicKey);
    }

    [Fact]
    public void The_operators_key_seals_a_key_ring_entry_that_opens_only_with_the_same_key()
    {
        var key = OperatorKey.From(new SecretOptions { Key = new string('k', 32) + "-one" })!;
        var otherKey = OperatorKey.From(new SecretOptions { Key = new string('k', 32) + "-two" })!;
        var masterKey = new XElement("descriptor", new XElement("masterKey", "c2VjcmV0IGtleSBtYXRlcmlhbA=="));

        var encrypted = new OperatorKeyXmlEncryptor(key).Encrypt(masterKey);

        Assert.DoesNotContain("c2VjcmV0IGtleSBtYXRlcmlhbA==", encrypted.EncryptedElement.ToString());
        Assert.Equal(typeof(OperatorKeyXmlDecryptor), encrypted.DecryptorType);
        Assert.Equal(masterKey.ToString(), DecryptorWith(key).Decrypt(encrypted.EncryptedElement).ToString());
        var wrong = Assert.Throws<CryptographicException>(() => DecryptorWith(otherKey).Decrypt(encrypted.EncryptedElement));
        Assert.Contains(key.Id, wrong.Message);
        Assert.Contains("StateStore:Secrets:Key", wrong.Message);
    }

    /// <summary>As Data Protection makes it: by its type, with the services, where StateStore registers the key.</summary>
    private static OperatorKeyXmlDecryptor DecryptorWith(OperatorKey key) =>
        new(new ServiceCollection().AddSingleton(key).BuildServiceProvider());

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    public void No_key_means_no_secrets(string setting) =>
        Assert.Null(OperatorKey.From(new SecretOptions { Key = setting }));

    [Fact]
    public void A_key_shorter_than_32_characters_is_refused_naming_the_setting()
    {
        var error = Assert.Throws<InvalidOperationException>(() => OperatorKey.From(new SecretOptions { Key = "too-short" }));

        Assert.StartsWith("StateStore:Secrets:Key must be at least 32", error.Message);
    }
}
