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
    private volatile CallerHash[] _keys;

    public ApiKeyRing(IOptionsMonitor<ApiKeyOptions> options)
    {
        _keys = Hash(options.CurrentValue);
        options.OnChange(changed => _keys = Hash(changed));
    }

    /// <summary>The caller whose configured key equals <paramref name="presented"/>, compared in constant time.</summary>
    public ApiCaller? CallerOf(string presented)
    {
        var presentedHash = Sha256(presented);
        ApiCaller? match = null;
        // Every key is compared, so the time taken does not tell how many keys come before the right one.
        foreach (var key in _keys)
            if (CryptographicOperations.FixedTimeEquals(presentedHash, key.Hash))
                match = key.Caller;
        return match;
    }

    private static CallerHash[] Hash(ApiKeyOptions options) =>
        options.KeysByCaller().Select(entry => new CallerHash(entry.Caller, Sha256(entry.Key.Trim()))).ToArray();

    private static byte[] Sha256(string text) => SHA256.HashData(Encoding.UTF8.GetBytes(text));

    private sealed record CallerHash(ApiCaller Caller, byte[] Hash);
}
