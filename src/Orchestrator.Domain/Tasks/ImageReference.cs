using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Text.RegularExpressions;

namespace Orchestrator.Domain.Tasks;

/// <summary>
/// A container image reference, <c>[registry[:port]/]path[:tag][@sha256:digest]</c>: what the Api accepts as a
/// task's image, what the agent pulls, and what the AppHost runs its infrastructure from. The grammar is Docker's,
/// simplified: a first segment is a registry only if it has a '.' or a port, or is <c>localhost</c>, as Docker
/// decides; path segments are lower case.
/// </summary>
public sealed partial record ImageReference
{
    private ImageReference(string? registry, string path, string? tag, string? digest)
    {
        Registry = registry;
        Path = path;
        Tag = tag;
        Digest = digest;
    }

    /// <summary>The registry's host (and port), e.g. <c>registry:5000</c>; null when the engine's default is meant.</summary>
    public string? Registry { get; }

    /// <summary>The repository within the registry, e.g. <c>team/app</c>.</summary>
    public string Path { get; }

    /// <summary>The tag, e.g. <c>1.27</c>; null when the reference names none (the engine reads <c>latest</c>).</summary>
    public string? Tag { get; }

    /// <summary>The content digest, e.g. <c>sha256:0123…</c>, when the reference pins one.</summary>
    public string? Digest { get; }

    /// <summary>The repository with its registry, without tag or digest: <c>registry:5000/team/app</c>.</summary>
    public string Name => Registry is null ? Path : $"{Registry}/{Path}";

    /// <summary>The registry the engine pulls from when a reference names none: Docker Hub.</summary>
    public const string DefaultRegistry = "docker.io";

    /// <summary>
    /// The registry server the image is pulled from, lower case as host names compare: the key its stored
    /// credentials are found by (<c>PUT /api/registries/{server}</c>).
    /// </summary>
    public string Server => (Registry ?? DefaultRegistry).ToLowerInvariant();

    /// <summary>Whether <paramref name="server"/> names a registry as an image reference's first segment does: <c>host[:port]</c>.</summary>
    public static bool IsRegistryServer([NotNullWhen(true)] string? server)
    {
        if (server is not { Length: > 0 and <= MaxServerLength } || !RegistryGrammar().IsMatch(server))
            return false;
        var colon = server.LastIndexOf(':');
        return colon < 0 || int.Parse(server.AsSpan(colon + 1), CultureInfo.InvariantCulture) is > 0 and <= 65535;
    }

    public const int MaxServerLength = 253;

    public const string ServerRule =
        "A registry server is host[:port], as an image names it: a host with a '.' (registry.example.com, 127.0.0.1), localhost, or any host with a port (registry:5000).";

    public static ImageReference Parse(string reference) =>
        TryParse(reference, out var parsed)
            ? parsed
            : throw new FormatException($"'{reference}' is not a valid image reference.");

    public static bool TryParse([NotNullWhen(true)] string? reference, [NotNullWhen(true)] out ImageReference? parsed)
    {
        parsed = null;
        if (reference is null)
            return false;
        var match = Grammar().Match(reference);
        if (!match.Success)
            return false;
        parsed = new ImageReference(
            OrNull(match.Groups["registry"]), match.Groups["path"].Value, OrNull(match.Groups["tag"]), OrNull(match.Groups["digest"]));
        return true;
    }

    public override string ToString() =>
        Name + (Tag is null ? "" : $":{Tag}") + (Digest is null ? "" : $"@{Digest}");

    private static string? OrNull(Group group) => group.Success ? group.Value : null;

    [GeneratedRegex(@"^(?:(?<registry>(?:localhost|[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+)(?::[0-9]+)?|[A-Za-z0-9-]+:[0-9]+)/)?(?<path>[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*(?:/[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*)*)(?::(?<tag>[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}))?(?:@(?<digest>sha256:[a-f0-9]{64}))?$")]
    private static partial Regex Grammar();

    [GeneratedRegex(@"^(?:(?:localhost|[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+)(?::[0-9]{1,5})?|[A-Za-z0-9-]+:[0-9]{1,5})$")]
    private static partial Regex RegistryGrammar();
}
