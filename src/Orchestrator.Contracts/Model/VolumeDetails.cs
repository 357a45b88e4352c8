namespace Orchestrator.Contracts;

/// <summary>
/// A named volume on a node, as its labels and the engine describe it. <paramref name="Source"/> is the volume's name in
/// the task's spec; <paramref name="Name"/> the engine's, which adds a job's slot. <paramref name="UsedBy"/> lists every
/// container that references it, stopped ones too: the engine removes no volume a container still references.
/// </summary>
public sealed record VolumeDetails(
    string Name,
    string Source,
    string? Job,
    int? Slot,
    string? CreatedByTaskName,
    DateTimeOffset? CreatedAt,
    IReadOnlyList<VolumeUser> UsedBy);

/// <summary>A container that references a volume, and its task when it is one of ours.</summary>
public sealed record VolumeUser(string ContainerId, Guid? TaskId, string? TaskName, bool Running);
