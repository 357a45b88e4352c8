using System.Text.Json.Serialization;
using Orchestrator.Domain.Tasks;

namespace Orchestrator.Domain.Jobs;

/// <summary>
/// What a user asks to keep running: the body of <c>PUT /api/jobs/{name}</c>. The job keeps <see cref="Count"/>
/// tasks of <see cref="Task"/> alive, replacing any that end, and rolls them over one at a time when the task
/// changes. The tasks are named after the job (<c>web-1</c>, <c>web-2</c>, ...).
/// </summary>
[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Disallow)]
public sealed record JobSpec
{
    public const int DefaultCount = 1;

    /// <summary>How many tasks to keep alive; 0 keeps the job with none. Omitted: 1 for a new job, unchanged for an existing one.</summary>
    public int? Count { get; init; }

    /// <summary>The spec of every task; its name, if given, must be the job's.</summary>
    public TaskSpec? Task { get; init; }

    /// <summary>
    /// The datacenters the job's tasks are placed in; any when unset or empty. The same as <c>task.datacenters</c>, which
    /// may say it instead: either way it is part of the tasks' spec, so a change of datacenters is a new revision.
    /// </summary>
    public IReadOnlyList<string>? Datacenters { get; init; }

    /// <summary>The spec of the job's tasks: <see cref="Task"/> named <paramref name="name"/>, with the job's datacenters.</summary>
    public TaskSpec TaskSpecFor(string name)
    {
        var datacenters = Datacenters ?? Task!.Datacenters;
        // An empty list means what none does, and is stored as none, so that saying one or the other is no new revision.
        return Task! with { Name = name, Datacenters = datacenters is { Count: > 0 } ? datacenters : null };
    }

    /// <summary>Whether the job and its task each list datacenters, and not the same ones.</summary>
    [JsonIgnore]
    public bool HasConflictingDatacenters =>
        Datacenters is not null && Task?.Datacenters is { } task && !Datacenters.SequenceEqual(task, StringComparer.Ordinal);

    [JsonIgnore]
    public int CountOrDefault => Count ?? DefaultCount;
}

/// <summary>The body of <c>PUT /api/jobs/{name}/scale</c>.</summary>
[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Disallow)]
public sealed record JobScale
{
    public int? Count { get; init; }
}
