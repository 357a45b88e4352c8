using System.Text.Json.Serialization;

namespace Orchestrator.Domain.Jobs;

/// <summary>
/// How a service job rolls a new revision out (Nomad's <c>update</c> block, a Deployment's strategy): how many tasks at
/// once, how long a new task must serve before it counts, how long the rollout may go without progress before the
/// revision is declared failed, whether a failed revision is reverted, and how many canaries wait for a promote.
/// </summary>
[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Disallow)]
public sealed record UpdatePolicy
{
    public static readonly UpdatePolicy Default = new();

    /// <summary>How many tasks are replaced at once: that many above the count, or stopped at once for stop-first jobs.</summary>
    public int MaxParallel { get; init; } = 1;

    /// <summary>How long a new task must have been healthy (Running, without a check) before it counts as serving.</summary>
    public int MinHealthySeconds { get; init; }

    /// <summary>
    /// How long a rollout may go without a new task coming to serve before the revision is failed. The clock starts when
    /// the revision's first container starts (or its first task fails), so image pulls do not count.
    /// </summary>
    public int ProgressDeadlineSeconds { get; init; } = 600;

    /// <summary>A failed revision is replaced by the last revision that fully rolled out.</summary>
    public bool AutoRevert { get; init; }

    /// <summary>New tasks started beside the old ones; the rollout waits for a promote before it replaces any old task.</summary>
    public int Canary { get; init; }

    [JsonIgnore]
    public TimeSpan MinHealthy => TimeSpan.FromSeconds(MinHealthySeconds);

    [JsonIgnore]
    public TimeSpan ProgressDeadline => TimeSpan.FromSeconds(ProgressDeadlineSeconds);
}
