using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Options;

namespace Orchestrator.Api.Security;

/// <summary>
/// The configured keys as SHA-256 hashes, computed when the configuration is read (and again if it changes), not
/// on every request.
/// </summary>
public sealed class ApiKeyRing
{
    private volatile NamedHash[] _keys;

    public ApiKeyRing(IOptionsMonitor<ApiKeyOptions> options)
    {
        _keys = Hash(options.CurrentValue);
        options.OnChange(changed => _keys = Hash(changed));
    }

    /// <summary>The name of the configured key equal to <paramref name="presented"/>, compared in constant time.</summary>
    public string? NameOf(string presented)
    {
        var presentedHash = Sha256(presented);
        string? match = null;
        // Every key is compared, so the time taken does not tell how many keys come before the right one.
        foreach (var key in _keys)
            if (CryptographicOperations.FixedTimeEquals(presentedHash, key.Hash))
                match = key.Name;
        return match;
    }

    private static NamedHash[] Hash(ApiKeyOptions options) =>
        options.Keys.Select(key => new NamedHash(key.Key, Sha256(key.Value.Trim()))).ToArray();

    private static byte[] Sha256(string text) => SHA256.HashData(Encoding.UTF8.GetBytes(text));

    private sealed record NamedHash(string Name, byte[] Hash);
}
