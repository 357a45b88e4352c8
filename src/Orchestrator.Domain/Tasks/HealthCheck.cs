using System.Text.Json.Serialization;

namespace Orchestrator.Domain.Tasks;

public enum HealthCheckType
{
    Http,
    Tcp,
}

public enum HealthStatus
{
    Unknown,
    Healthy,
    Unhealthy,
}

/// <summary>
/// A probe the agent runs against the container's own address: an HTTP GET of <see cref="Path"/> that must
/// answer 2xx or 3xx, or a TCP connect. <see cref="FailureThreshold"/> failures in a row restart the container
/// under the restart policy. Probing starts after <see cref="GracePeriodSeconds"/>.
/// </summary>
[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Disallow)]
public sealed record HealthCheck
{
    public HealthCheckType Type { get; init; } = HealthCheckType.Http;

    /// <summary>The container port to probe.</summary>
    public int Port { get; init; }

    public string Path { get; init; } = "/";
    public int IntervalSeconds { get; init; } = 10;
    public int TimeoutSeconds { get; init; } = 2;
    public int FailureThreshold { get; init; } = 3;
    public int GracePeriodSeconds { get; init; } = 5;
}
