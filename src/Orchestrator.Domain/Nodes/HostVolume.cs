namespace Orchestrator.Domain.Nodes;

/// <summary>
/// A host path a node's operator offers to tasks under <paramref name="Name"/> (<c>Agent:HostVolumes</c>). A task
/// mounts it by name, never by path, so the operator decides what a task may reach on the host. A read-only one can
/// only be mounted read-only.
/// </summary>
public sealed record HostVolume(string Name, string Path, bool ReadOnly);
