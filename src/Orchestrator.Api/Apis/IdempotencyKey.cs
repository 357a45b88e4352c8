using System.Security.Cryptography;
using System.Text;

namespace Orchestrator.Api.Apis;

/// <summary>
/// A write's <c>Idempotency-Key</c> header: the client's name for one change it means to make, sent again with every
/// retry of that change (after a 503, a timeout, a lost connection). The id of what the write creates is derived from
/// the key and from the caller's API key name, so a retry whose first attempt was applied finds that attempt's result
/// instead of making a second, and two callers' keys never meet. The key lasts as long as what it made.
/// </summary>
public static class IdempotencyKey
{
    public const string Header = "Idempotency-Key";

    public const int MaxLength = 255;

    /// <summary>
    /// The header's value: null when the request has none, or the errors (keyed by the header's name, for a
    /// ValidationProblem) when it has one that cannot serve.
    /// </summary>
    public static (string? Key, Dictionary<string, string[]>? Errors) Read(HttpRequest request)
    {
        if (!request.Headers.TryGetValue(Header, out var values))
            return (null, null);
        if (values.Count != 1)
            return (null, Error("must be given once."));
        var key = values[0] ?? "";
        if (key.Length is 0 or > MaxLength || key.Any(c => c is < '!' or > '~'))
            return (null, Error($"must be 1 to {MaxLength} visible ASCII characters, with no spaces."));
        return (key, null);
    }

    /// <summary>
    /// The id the write with <paramref name="key"/> creates for <paramref name="caller"/>: a version 8 UUID whose
    /// bits are the start of the SHA-256 of both, the same for every retry.
    /// </summary>
    public static Guid DeriveId(string caller, string key)
    {
        Span<byte> hash = stackalloc byte[SHA256.HashSizeInBytes];
        SHA256.HashData(Encoding.UTF8.GetBytes($"{caller}\n{key}"), hash);
        var bytes = hash[..16];
        bytes[6] = (byte)((bytes[6] & 0x0F) | 0x80);
        bytes[8] = (byte)((bytes[8] & 0x3F) | 0x80);
        return new Guid(bytes, bigEndian: true);
    }

    private static Dictionary<string, string[]> Error(string message) => new() { [Header] = [$"{Header} {message}"] };
}

/// <summary>
/// Every write under /api may carry an <see cref="IdempotencyKey"/>: the key is checked, and the request's fingerprint
/// (a SHA-256 of its method, path, query and body) is kept for <see cref="Security.CallerStamp{T}"/> to put on the
/// command beside the key. StateStore answers a repeat of the same request with the first answer and changes nothing,
/// and refuses the same key with another request (a 422, <see cref="Extensions.IdempotencyKeyReusedHandler"/>).
/// </summary>
public sealed class IdempotentWriteFilter : IEndpointFilter
{
    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var request = context.HttpContext.Request;
        if (HttpMethods.IsGet(request.Method) || HttpMethods.IsHead(request.Method))
            return await next(context);
        var (key, errors) = IdempotencyKey.Read(request);
        if (errors is not null)
            return TypedResults.ValidationProblem(errors, title: $"The {IdempotencyKey.Header} header is not valid.");
        if (key is not null)
            context.HttpContext.Features.Set(new IdempotentRequest(key, await FingerprintAsync(request)));
        return await next(context);
    }

    private static async Task<string> FingerprintAsync(HttpRequest request)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        hash.AppendData(Encoding.UTF8.GetBytes($"{request.Method} {request.PathBase}{request.Path}{request.QueryString}\n"));
        // Buffered, so that the handler reads the body after this; bounded by the Api's largest body (RequestLimits).
        request.EnableBuffering();
        var buffer = new byte[16 * 1024];
        int read;
        while ((read = await request.Body.ReadAsync(buffer, request.HttpContext.RequestAborted)) > 0)
            hash.AppendData(buffer, 0, read);
        request.Body.Position = 0;
        return Convert.ToHexString(hash.GetHashAndReset());
    }
}

/// <summary>The key a write was sent with, and the request's fingerprint: a feature of the request being answered.</summary>
public sealed record IdempotentRequest(string Key, string Fingerprint);
