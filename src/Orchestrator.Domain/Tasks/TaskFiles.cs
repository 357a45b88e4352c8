using System.Text.Json.Serialization;

namespace Orchestrator.Domain.Tasks;

/// <summary>
/// A configuration file the task's container finds at <see cref="Target"/>, read-only: not secret (it is kept in the
/// task's spec like any other field), at most <see cref="MaxContentBytes"/>.
/// </summary>
[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Disallow)]
public sealed record TaskFile
{
    public const int MaxContentBytes = 64 * 1024;
    public const string DefaultMode = "0644";

    /// <summary>An absolute path inside the container.</summary>
    public string Target { get; init; } = "";

    public string Content { get; init; } = "";

    /// <summary>Octal permissions, <c>0644</c> when unset.</summary>
    public string? Mode { get; init; }

    [JsonIgnore]
    public string ModeOrDefault => Mode ?? DefaultMode;
}

/// <summary>
/// A secret the task's container finds as a file at <see cref="TargetOrDefault"/>: the value is fetched by the agent
/// of the task's node at start and mounted from memory, never written to the node's disk. The spec names the secret;
/// the value is never in it.
/// </summary>
[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Disallow)]
public sealed record SecretFile
{
    public const string DefaultMode = "0400";
    public const string DefaultDirectory = "/run/secrets";

    /// <summary>The secret's name (<c>PUT /api/secrets/{name}</c>).</summary>
    public string Name { get; init; } = "";

    /// <summary>An absolute path inside the container; <c>/run/secrets/{name}</c> when unset, as Swarm puts them.</summary>
    public string? Target { get; init; }

    /// <summary>Octal permissions, <c>0400</c> when unset: readable by the container's user only.</summary>
    public string? Mode { get; init; }

    [JsonIgnore]
    public string TargetOrDefault => Target ?? $"{DefaultDirectory}/{Name}";

    [JsonIgnore]
    public string ModeOrDefault => Mode ?? DefaultMode;
}

/// <summary>When the agent pulls the task's image, as Kubernetes' <c>imagePullPolicy</c>.</summary>
public static class ImagePullPolicy
{
    /// <summary>Pull only when the node lacks the image.</summary>
    public const string IfNotPresent = "IfNotPresent";

    /// <summary>Pull at every start, so a moved tag (<c>:latest</c>) runs what it points at now.</summary>
    public const string Always = "Always";

    /// <summary>Never pull: the node must have the image.</summary>
    public const string Never = "Never";

    public static readonly IReadOnlyList<string> All = [IfNotPresent, Always, Never];

    /// <summary>
    /// The policy a task's image is pulled by: the spec's, else <see cref="Always"/> for an image tagged
    /// <c>latest</c> or not tagged (and not pinned by digest), else <see cref="IfNotPresent"/>, as Kubernetes decides.
    /// </summary>
    public static string For(string image, string? policy)
    {
        if (policy is not null)
            return policy;
        if (!ImageReference.TryParse(image, out var reference) || reference.Digest is not null)
            return IfNotPresent;
        return reference.Tag is null or "latest" ? Always : IfNotPresent;
    }
}
