using Microsoft.Extensions.Configuration;
using Orchestrator.Domain.Tasks;

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
        var reference = ImageReference.Parse(configuration[$"ContainerImages:{key}"] ?? defaultReference);
        resource = resource.WithImage(reference.Path, reference.Tag ?? "latest").WithImageRegistry(reference.Registry);
        return reference.Digest is { } digest ? resource.WithImageSHA256(digest["sha256:".Length..]) : resource;
    }
}
