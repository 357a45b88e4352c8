using Orchestrator.Domain.Capacity;
using Orchestrator.Domain.Tasks;

namespace Orchestrator.Contracts;

/// <summary>Everything a user may see of a task: its spec, where it runs, and what happened to it.</summary>
public sealed record TaskDetails
{
    public required Guid Id { get; init; }
    public required string Name { get; init; }
    public required string Image { get; init; }
    public required TaskState State { get; init; }
    public required DesiredState DesiredState { get; init; }
    public Guid? NodeId { get; init; }
    public string? ContainerId { get; init; }
    public required IReadOnlyList<PortBinding> Ports { get; init; }
    public required Resources Resources { get; init; }
    public IReadOnlyList<string>? Command { get; init; }
    public IReadOnlyDictionary<string, string>? Env { get; init; }
    public IReadOnlyList<Mount>? Mounts { get; init; }
    public required DateTimeOffset CreatedAt { get; init; }
    public DateTimeOffset? StartedAt { get; init; }
    public DateTimeOffset? FinishedAt { get; init; }
    public long? ExitCode { get; init; }
    public string? Message { get; init; }

    /// <summary>The job that started the task, and its slot there (web-2 is slot 2).</summary>
    public string? Job { get; init; }
    public int? Slot { get; init; }

    /// <summary>The node that holds the task's named volumes: a Pending task with one is placed there or waits for it.</summary>
    public Guid? VolumeNodeId { get; init; }
    public required RestartPolicy RestartPolicy { get; init; }
    public int RestartCount { get; init; }
    public HealthCheck? HealthCheck { get; init; }
    public HealthStatus Health { get; init; }
    public DateTimeOffset? LastProbeAt { get; init; }
    public string? LastProbeResult { get; init; }

    /// <summary>Counts placements; logs and commands to agents name the attempt.</summary>
    public int Attempt { get; init; }
    public required int Version { get; init; }

    /// <summary>The trace of the request that submitted the task (W3C, 32 hex digits), when it was traced.</summary>
    public string? TraceId { get; init; }
}
