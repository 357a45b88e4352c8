using System.Text.Json.Serialization;

namespace Orchestrator.Domain.Scheduling;

/// <summary>A task runs only on a node whose label <see cref="Label"/> has the value <see cref="EqualTo"/>.</summary>
[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Disallow)]
public sealed record PlacementConstraint
{
    public string Label { get; init; } = "";

    [JsonPropertyName("equals")]
    public string EqualTo { get; init; } = "";

    public bool IsMetBy(IReadOnlyDictionary<string, string>? labels) =>
        labels is not null && labels.TryGetValue(Label, out var value) && value == EqualTo;

    public override string ToString() => $"{Label}={EqualTo}";
}
