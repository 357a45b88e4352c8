namespace Orchestrator.Contracts;

/// <summary>Scheduler to StateStore: the Pending tasks and a snapshot of every node. Answered with <see cref="PlacementWork"/>.</summary>
public sealed record GetPlacementWork(int Limit = 200);
