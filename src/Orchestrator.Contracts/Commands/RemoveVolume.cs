namespace Orchestrator.Contracts;

/// <summary>
/// Api to a node's agent (sent to its queue): remove one of the volumes it made for tasks, and the data in it.
/// Answered with <see cref="VolumeRemoved"/>, <see cref="VolumeNotFound"/>, or <see cref="VolumeRemovalRefused"/> while
/// a container references it.
/// </summary>
public sealed record RemoveVolume(string Name);

public sealed record VolumeRemoved(string Name);

/// <summary>No volume of that name that the agent made is on the node (an operator's own volumes are not ours to remove).</summary>
public sealed record VolumeNotFound(string Name);

/// <summary>The volume is still referenced; <paramref name="Reason"/> names the containers and tasks.</summary>
public sealed record VolumeRemovalRefused(string Name, string Reason, IReadOnlyList<VolumeUser> UsedBy);
