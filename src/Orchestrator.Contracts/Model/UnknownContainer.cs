namespace Orchestrator.Contracts;

/// <summary>
/// A running container an agent listed in its latest heartbeat whose task the control plane has no record of (its
/// database was wiped or replaced, say). It is left running: only the operator knows whether it is still wanted.
/// </summary>
public sealed record UnknownContainer(Guid TaskId, int Attempt, string ContainerId);
