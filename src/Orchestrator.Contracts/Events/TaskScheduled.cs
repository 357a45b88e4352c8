namespace Orchestrator.Contracts;

public sealed record TaskScheduled(Guid TaskId, Guid NodeId, int Attempt);
