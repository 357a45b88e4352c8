using Orchestrator.Domain.Tasks;

namespace Orchestrator.Contracts;

/// <summary>Agent report: a task's health check changed its verdict.</summary>
public sealed record TaskHealthChanged(
    Guid TaskId,
    Guid NodeId,
    int Attempt,
    HealthStatus Health,
    DateTimeOffset ProbedAt,
    string Result) : ITaskReport;
