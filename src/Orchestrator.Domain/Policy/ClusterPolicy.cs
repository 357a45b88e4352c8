using System.ComponentModel.DataAnnotations;
using System.Globalization;
using Orchestrator.Domain.Tasks;

namespace Orchestrator.Domain.Policy;

/// <summary>
/// What the cluster's operator allows a task to be, beyond what is valid: which images, how large, and which of the
/// host's powers. The Api checks every task it is given against it (a task, or each task spec of a job), the way an
/// admission controller does in Kubernetes, and refuses one that breaks a rule, naming the rule. Unset, a rule
/// allows everything, so a cluster without a policy behaves as before.
/// </summary>
public sealed class ClusterPolicy
{
    /// <summary>The settings' section; each rule is named in a refusal by its setting, e.g. <c>Api:Policy:MaxCpu</c>.</summary>
    public const string Section = "Api:Policy";

    /// <summary>
    /// Image prefixes a task's image must start with, compared with the image's full name (its registry, or
    /// <c>docker.io</c>, and its repository with Docker Hub's <c>library/</c> for official images): e.g.
    /// <c>registry.internal:5000/</c> for a registry, <c>docker.io/library/</c> for Docker Hub's official images,
    /// <c>ghcr.io/team/app</c> for one repository. An entry without a <c>/</c> names a whole registry. Empty: any image.
    /// </summary>
    public List<string> AllowedImages { get; set; } = [];

    /// <summary>The most CPU one task may request, in cores; unset, no limit beyond a node's.</summary>
    [Range(typeof(decimal), "0.001", "1000000")]
    public decimal? MaxCpu { get; set; }

    /// <summary>The most memory one task may request, in MiB; unset, no limit beyond a node's.</summary>
    [Range(1, long.MaxValue)]
    public long? MaxMemoryMb { get; set; }

    /// <summary>Whether a task may mount a host volume its node offers (a directory of the host).</summary>
    public bool AllowHostVolumes { get; set; } = true;

    /// <summary>
    /// The Linux capabilities a task may add (<c>capAdd</c>), upper case without <c>CAP_</c>, e.g. <c>NET_BIND_SERVICE</c>.
    /// Unset: any; empty: none.
    /// </summary>
    public List<string>? AllowedCapabilities { get; set; }

    /// <summary>The first rule <paramref name="spec"/> breaks, or null when the policy allows it.</summary>
    public PolicyRefusal? Check(TaskSpec spec)
    {
        if (AllowedImages.Count > 0 && ImageReference.TryParse(spec.Image, out var image))
        {
            var name = FullName(image);
            if (!AllowedImages.Any(prefix => name.StartsWith(Normalized(prefix), StringComparison.Ordinal)))
                return new(nameof(AllowedImages),
                    $"the image {spec.Image} ({name}) is not from an allowed registry or prefix: {string.Join(", ", AllowedImages)}");
        }
        var requested = spec.Requested;
        if (MaxCpu is { } maxCpu && requested.Cpu > maxCpu)
            return new(nameof(MaxCpu), $"the task requests {Format(requested.Cpu)} CPU, more than the {Format(maxCpu)} a task may have");
        if (MaxMemoryMb is { } maxMemory && requested.MemoryMb > maxMemory)
            return new(nameof(MaxMemoryMb), $"the task requests {requested.MemoryMb} MiB of memory, more than the {maxMemory} MiB a task may have");
        if (!AllowHostVolumes && spec.Mounts?.FirstOrDefault(m => m.IsHost) is { } host)
            return new(nameof(AllowHostVolumes), $"the task mounts the host volume {host.Source}, and host volumes are not allowed");
        if (AllowedCapabilities is { } allowed
            && spec.CapAdd?.FirstOrDefault(c => !allowed.Contains(Capability(c), StringComparer.Ordinal)) is { } capability)
            return new(nameof(AllowedCapabilities), allowed.Count == 0
                ? $"the task adds the capability {capability}, and no capability may be added"
                : $"the task adds the capability {capability}, which is not among those allowed: {string.Join(", ", allowed)}");
        return null;
    }

    /// <summary>The name an image is compared by: <c>docker.io/library/nginx</c> for <c>nginx:1.27</c>.</summary>
    public static string FullName(ImageReference image)
    {
        var path = image.Registry is null && !image.Path.Contains('/') ? $"library/{image.Path}" : image.Path;
        return $"{image.Server}/{path}";
    }

    private static string Normalized(string prefix)
    {
        var trimmed = prefix.Trim().ToLowerInvariant();
        return trimmed.Contains('/') ? trimmed : trimmed + "/";
    }

    private static string Capability(string name)
    {
        var upper = name.Trim().ToUpperInvariant();
        return upper.StartsWith("CAP_", StringComparison.Ordinal) ? upper[4..] : upper;
    }

    private static string Format(decimal value) => value.ToString("0.###", CultureInfo.InvariantCulture);
}

/// <param name="Rule">The rule's setting under <see cref="ClusterPolicy.Section"/>, e.g. <c>AllowedImages</c>.</param>
/// <param name="Reason">What in the task breaks it, for a person.</param>
public sealed record PolicyRefusal(string Rule, string Reason)
{
    public string Setting => $"{ClusterPolicy.Section}:{Rule}";
}
