using System.Collections.Concurrent;
using System.Globalization;

namespace Orchestrator.WorkerAgent.Supervision;

/// <summary>
/// Which containers are under supervision and how often each has been restarted, kept as one small file per
/// container in the agent's data directory. An agent that restarts (an upgrade, a crash) reads them back: a container
/// carries on with its count, so its restart limit and backoff do not start afresh, and a container that exited while
/// no agent watched it (during a backoff, or after the agent died) is taken back under supervision and restarted per
/// its policy, instead of being reported by the heartbeat as a failure. An entry lives from the start of supervision
/// to its end (the final exit reported, or the task stopped); the agent stopping is not an end.
/// </summary>
public sealed class RestartLedger
{
    private readonly string? _directory;
    private readonly ILogger? _logger;
    private readonly ConcurrentDictionary<string, int> _counts = new();

    private RestartLedger(string? directory, ILogger? logger)
    {
        _directory = directory;
        _logger = logger;
        if (directory is null)
            return;
        Directory.CreateDirectory(directory);
        foreach (var file in Directory.EnumerateFiles(directory))
        {
            var name = Path.GetFileName(file);
            if (IsContainerId(name) && int.TryParse(File.ReadAllText(file).Trim(), CultureInfo.InvariantCulture, out var count))
                _counts[name] = count;
        }
    }

    /// <summary>Kept under <paramref name="dataPath"/>, where the node's id is.</summary>
    public static RestartLedger In(string dataPath, ILogger? logger = null) => new(Path.Combine(dataPath, "restarts"), logger);

    /// <summary>Kept only for the life of this process: for agents whose containers die with them (simulated ones).</summary>
    public static RestartLedger InMemory() => new(null, null);

    /// <summary>Whether the container was under supervision and its supervision has not ended.</summary>
    public bool Holds(string containerId) => _counts.ContainsKey(containerId);

    public int CountOf(string containerId) => _counts.GetValueOrDefault(containerId);

    public void Record(string containerId, int count)
    {
        if (_counts.TryGetValue(containerId, out var known) && known == count)
            return;
        if (_directory is not null)
        {
            // Written aside and moved into place, so a crash mid-write never leaves a half-written count.
            var path = PathOf(containerId);
            OnDisk(containerId, () =>
            {
                File.WriteAllText(path + ".tmp", count.ToString(CultureInfo.InvariantCulture));
                File.Move(path + ".tmp", path, overwrite: true);
            });
        }
        _counts[containerId] = count;
    }

    public void Forget(string containerId)
    {
        if (_counts.TryRemove(containerId, out _) && _directory is not null)
        {
            var path = PathOf(containerId);
            OnDisk(containerId, () => File.Delete(path));
        }
    }

    /// <summary>
    /// A full or read-only disk costs only what the file is for, the count across an agent restart: supervision
    /// goes on with the count in memory.
    /// </summary>
    private void OnDisk(string containerId, Action write)
    {
        try
        {
            write();
        }
        catch (Exception error) when (error is IOException or UnauthorizedAccessException)
        {
            _logger?.LogWarning(error, "Could not keep the restart count of container {ContainerId} in {Directory}; " +
                "an agent restarted now would count its restarts afresh", containerId, _directory);
        }
    }

    /// <summary>Forgets containers that no longer exist (removed by hand, or by a stop the agent did not live to see).</summary>
    public void ForgetAllBut(Func<string, bool> keep)
    {
        foreach (var containerId in _counts.Keys.Where(id => !keep(id)))
            Forget(containerId);
    }

    private string PathOf(string containerId) =>
        IsContainerId(containerId)
            ? Path.Combine(_directory!, containerId)
            : throw new ArgumentException($"'{containerId}' is not a container id.", nameof(containerId));

    // Docker's ids are hex; anything else is not a file this ledger wrote, and never becomes a path.
    private static bool IsContainerId(string name) => name.Length > 0 && name.All(char.IsAsciiLetterOrDigit);
}
