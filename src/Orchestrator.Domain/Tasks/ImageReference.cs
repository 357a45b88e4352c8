using System.Diagnostics.CodeAnalysis;
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
}
