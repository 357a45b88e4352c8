using Microsoft.Extensions.Configuration;

namespace Orchestrator.AppHost;

/// <summary>
/// Points a container resource at the image named in configuration (<c>ContainerImages:Postgres</c>, ...).
/// The defaults are the local images that deploy/local/prepare.sh builds, since no registry is reachable
/// here; on a machine with one, name the official image instead, e.g. docker.io/library/postgres:17.
/// </summary>
internal static class ContainerImages
{
    public static IResourceBuilder<T> WithConfiguredImage<T>(
        this IResourceBuilder<T> resource, IConfiguration configuration, string key, string defaultReference)
        where T : ContainerResource
    {
        var reference = configuration[$"ContainerImages:{key}"] ?? defaultReference;
        var (registry, image, tag) = Parse(reference);
        return resource.WithImage(image, tag).WithImageRegistry(registry);
    }

    /// <summary>"registry:5000/team/app:tag" into its parts; a first segment without '.', ':' or "localhost" is not a registry.</summary>
    private static (string? Registry, string Image, string Tag) Parse(string reference)
    {
        var slash = reference.IndexOf('/');
        string? registry = null;
        if (slash > 0)
        {
            var first = reference[..slash];
            if (first.Contains('.') || first.Contains(':') || first == "localhost")
            {
                registry = first;
                reference = reference[(slash + 1)..];
            }
        }
        var colon = reference.LastIndexOf(':');
        return colon > reference.LastIndexOf('/')
            ? (registry, reference[..colon], reference[(colon + 1)..])
            : (registry, reference, "latest");
    }
}
