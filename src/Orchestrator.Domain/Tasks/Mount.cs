using System.Text.Json.Serialization;

namespace Orchestrator.Domain.Tasks;

/// <summary>
/// Something mounted into the task's container at <see cref="Target"/>:
/// <list type="bullet">
/// <item><c>volume</c>: a named volume on the task's node, created on first use and kept when the task ends. A job's
/// tasks each get their slot's own volume (<see cref="VolumeName"/>), and a slot's replacement goes back to its node.</item>
/// <item><c>host</c>: a host path the node's operator offers under the name <see cref="Source"/>; a task cannot name a
/// host path itself.</item>
/// <item><c>tmpfs</c>: memory-backed scratch space of <see cref="SizeMb"/>.</item>
/// </list>
/// </summary>
[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Disallow)]
public sealed record Mount
{
    public const string VolumeType = "volume";
    public const string HostType = "host";
    public const string TmpfsType = "tmpfs";

    /// <summary><c>volume</c>, <c>host</c> or <c>tmpfs</c>.</summary>
    public string Type { get; init; } = "";

    /// <summary>The volume's name, or the name of the host volume the node offers; none for tmpfs.</summary>
    public string? Source { get; init; }

    /// <summary>An absolute path inside the container.</summary>
    public string Target { get; init; } = "";

    public bool ReadOnly { get; init; }

    /// <summary>The size limit of a tmpfs mount; required for tmpfs and only for it.</summary>
    public long? SizeMb { get; init; }

    [JsonIgnore]
    public bool IsVolume => Type == VolumeType;

    [JsonIgnore]
    public bool IsHost => Type == HostType;

    [JsonIgnore]
    public bool IsTmpfs => Type == TmpfsType;

    /// <summary>
    /// The engine's name for the volume <paramref name="source"/>: the source itself for a task of its own, so that
    /// the next task naming it on that node finds the data; <c>{job}-{slot}-{source}</c> for a job's task, so that
    /// each slot has its own and a slot's replacement finds its predecessor's.
    /// </summary>
    public static string VolumeName(string source, string? job, int? slot) =>
        job is not null && slot is { } index ? $"{job}-{index}-{source}" : source;
}

/// <summary>A resource limit of the container's processes (<c>nofile</c>, <c>nproc</c>, ...); hard defaults to soft.</summary>
[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Disallow)]
public sealed record Ulimit
{
    public string Name { get; init; } = "";

    public long? Soft { get; init; }

    public long? Hard { get; init; }

    [JsonIgnore]
    public long HardOrSoft => Hard ?? Soft ?? 0;
}

/// <summary>How much of the container's output the node keeps: files of at most <see cref="MaxSizeMb"/>, <see cref="MaxFiles"/> of them.</summary>
[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Disallow)]
public sealed record LogSettings
{
    public const int DefaultMaxSizeMb = 10;
    public const int DefaultMaxFiles = 3;

    public int? MaxSizeMb { get; init; }

    public int? MaxFiles { get; init; }

    [JsonIgnore]
    public int MaxSizeMbOrDefault => MaxSizeMb ?? DefaultMaxSizeMb;

    [JsonIgnore]
    public int MaxFilesOrDefault => MaxFiles ?? DefaultMaxFiles;
}
