using System.Text.Json.Serialization;
using Orchestrator.Domain.Capacity;

namespace Orchestrator.Domain.Tasks;

/// <summary>
/// What a user asks to run: the body of <c>POST /api/tasks</c>. Only <see cref="Name"/> and <see cref="Image"/>
/// are required; everything else has a default. Unknown fields are refused rather than silently ignored.
/// </summary>
[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Disallow)]
public sealed record TaskSpec
{
    public string Name { get; init; } = "";

    public string Image { get; init; } = "";

    /// <summary>Replaces the image's CMD when given.</summary>
    public IReadOnlyList<string>? Command { get; init; }

    public IReadOnlyDictionary<string, string>? Env { get; init; }

    public ResourceRequest? Resources { get; init; }

    public IReadOnlyList<PortMapping>? Ports { get; init; }

    /// <summary>The resources this task reserves on its node, with defaults filled in.</summary>
    [JsonIgnore]
    public Capacity.Resources Requested => (Resources ?? new ResourceRequest()).ToResources();

    [JsonIgnore]
    public IReadOnlyList<PortMapping> PortsOrEmpty => Ports ?? [];
}

/// <summary>The <c>resources</c> block of a spec: each omitted value takes its default.</summary>
[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Disallow)]
public sealed record ResourceRequest
{
    public decimal? Cpu { get; init; }
    public long? MemoryMb { get; init; }
    public long? DiskMb { get; init; }

    public Capacity.Resources ToResources() => new(
        Cpu ?? Capacity.Resources.DefaultRequest.Cpu,
        MemoryMb ?? Capacity.Resources.DefaultRequest.MemoryMb,
        DiskMb ?? Capacity.Resources.DefaultRequest.DiskMb);
}
