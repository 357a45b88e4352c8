using System.Text.Json.Serialization;

namespace Orchestrator.Domain.Tasks;

public enum RestartMode
{
    /// <summary>The task ends at its first exit.</summary>
    Never,

    /// <summary>Restart after a failure (a non-zero exit, an OOM kill or a failed health check).</summary>
    OnFailure,

    /// <summary>Restart after any exit, even exit 0.</summary>
    Always,
}

/// <summary>
/// How the agent keeps a task alive on its node: restart on the same node up to <see cref="MaxRestarts"/>
/// times, waiting <see cref="BackoffSeconds"/> doubled at each restart up to <see cref="MaxBackoffSeconds"/>.
/// </summary>
[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Disallow)]
public sealed record RestartPolicy
{
    public static readonly RestartPolicy Default = new();

    /// <summary>A container that ran this long before it exited starts its restart count afresh.</summary>
    public static readonly TimeSpan CountResetsAfter = TimeSpan.FromMinutes(10);

    public RestartMode Mode { get; init; } = RestartMode.OnFailure;
    public int MaxRestarts { get; init; } = 3;
    public int BackoffSeconds { get; init; } = 1;
    public int MaxBackoffSeconds { get; init; } = 60;
}
