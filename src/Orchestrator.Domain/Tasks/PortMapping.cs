using System.Text.Json.Serialization;

namespace Orchestrator.Domain.Tasks;

/// <summary>A container port to publish. A host port of 0 (or none) lets the node pick a free one in its dynamic range.</summary>
[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Disallow)]
public sealed record PortMapping
{
    public int ContainerPort { get; init; }

    public int HostPort { get; init; }

    /// <summary>"tcp" (the default) or "udp".</summary>
    public string Protocol { get; init; } = "tcp";
}
