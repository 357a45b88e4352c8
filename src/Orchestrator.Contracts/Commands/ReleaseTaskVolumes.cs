namespace Orchestrator.Contracts;

/// <summary>
/// Api to StateStore: an operator lets a Pending task that waits for the node holding its volumes (a Down or drained
/// node) be placed on any node, starting there with empty volumes. Answered with <see cref="TaskDetails"/>,
/// <see cref="TaskNotFound"/>, or <see cref="VolumeReleaseRefused"/> when the task is not waiting for such a node.
/// </summary>
public sealed record ReleaseTaskVolumes(Guid TaskId);

public sealed record VolumeReleaseRefused(Guid TaskId, string Reason);
