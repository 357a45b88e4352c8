namespace Orchestrator.Contracts;

/// <summary>Api to a node's agent (sent to its queue): the named volumes the agent made for tasks. Answered with <see cref="VolumeList"/>.</summary>
public sealed record ListVolumes;
