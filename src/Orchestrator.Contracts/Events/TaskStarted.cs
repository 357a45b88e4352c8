namespace Orchestrator.Contracts;

/// <summary>Agent report: the container of this attempt runs, with the host ports the engine bound.</summary>
public sealed record TaskStarted(
    Guid TaskId,
    Guid NodeId,
    int Attempt,
    string ContainerId,
    IReadOnlyList<PortBinding> Ports,
    DateTimeOffset StartedAt) : ITaskReport;
