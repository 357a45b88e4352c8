namespace Orchestrator.Contracts;

/// <summary>Agent report: a step on the way to running the task, e.g. pulling its image, for the task's history.</summary>
public sealed record TaskProgressed(Guid TaskId, Guid NodeId, int Attempt, string Step) : ITaskReport;
