using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace Orchestrator.WorkerAgent.Runtime;

/// <summary>
/// The kernel's own account of which containers it OOM-killed, read from <c>/dev/kmsg</c>. The engine's verdict
/// misses some: containerd watches a container's memory cgroup for OOM only once its process has started, so a
/// process killed in its first moments is reported as a plain SIGKILL (seen on Engine 20.10, containerd 1.6 and
/// cgroup v1: one memory hog in ten to thirty under load). The kernel logs each OOM kill with the victim's cgroup,
/// whose path ends in the container's id, whatever the cgroup driver; but it names at most ten kills in five
/// seconds (the OOM report's rate limit), so a burst beyond that can still go unflagged.
/// </summary>
/// <remarks>
/// One reader for the whole process, because the log is the host's and a read of <c>/dev/kmsg</c> blocks until
/// the next record: a reader per agent would leave a blocked thread behind each one stopped (several agents share
/// a process in tests). Reading needs root, or CAP_SYSLOG and the device in a container; without them
/// <see cref="IsReading"/> is false and the engine's verdict is all there is.
/// </remarks>
public sealed partial class KernelOomLog
{
    private const string DevicePath = "/dev/kmsg";

    /// <summary>Kills remembered at most; the oldest are forgotten first.</summary>
    private const int Remembered = 4096;

    public static KernelOomLog Shared { get; } = new();

    private readonly ConcurrentDictionary<string, DateTimeOffset> _killedAt = new(StringComparer.Ordinal);
    private readonly ConcurrentQueue<string> _order = new();
    private int _started;

    public bool IsReading { get; private set; }

    /// <summary>Starts the reader once per process; later calls do nothing.</summary>
    public void EnsureStarted(ILogger logger)
    {
        if (Interlocked.Exchange(ref _started, 1) == 1)
            return;
        Microsoft.Win32.SafeHandles.SafeFileHandle handle;
        try
        {
            handle = File.OpenHandle(DevicePath, FileMode.Open, FileAccess.Read);
        }
        catch (Exception error) when (error is IOException or UnauthorizedAccessException)
        {
            logger.LogWarning(
                "Cannot read the kernel log ({Path}: {Error}); an OOM kill the engine misses is reported as a plain exit 137",
                DevicePath, error.Message);
            return;
        }
        IsReading = true;
        new Thread(() => ReadForever(handle)) { IsBackground = true, Name = "kernel OOM log" }.Start();
    }

    /// <summary>
    /// Whether the kernel OOM-killed a process of the container in the run that began at <paramref name="runStartedAt"/>,
    /// waiting up to <paramref name="wait"/> for the reader to reach the record. A record answers once: the next
    /// run of the same container (restarted in place) starts without it.
    /// </summary>
    public async Task<bool> TakeKillAsync(string containerId, DateTimeOffset runStartedAt, TimeSpan wait, CancellationToken cancellationToken)
    {
        var deadline = Stopwatch.GetTimestamp() + (long)(wait.TotalSeconds * Stopwatch.Frequency);
        while (true)
        {
            // The engine stamps a start once its process runs, so a process killed as it starts is killed "before"
            // its run began, by a few milliseconds when the machine is busy; a restart takes far longer than the slack.
            if (_killedAt.TryRemove(containerId, out var at) && at >= runStartedAt - StartSlack)
                return true;
            if (Stopwatch.GetTimestamp() >= deadline)
                return false;
            await Task.Delay(PollInterval, cancellationToken);
        }
    }

    private static readonly TimeSpan StartSlack = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(50);

    /// <summary>
    /// The container a kernel log record says was OOM-killed, and the record's time since boot; false for any
    /// other record.
    /// </summary>
    public static bool TryParseKill(string record, out string containerId, out TimeSpan sinceBoot)
    {
        containerId = "";
        sinceBoot = default;
        // "<priority>,<sequence>,<microseconds since boot>,<flags>;<message>"
        var semicolon = record.IndexOf(';');
        if (semicolon < 0)
            return false;
        var match = OomKill().Match(record, semicolon);
        if (!match.Success)
            return false;
        var header = record.AsSpan(0, semicolon).ToString().Split(',');
        if (header.Length < 3 || !long.TryParse(header[2], NumberStyles.None, CultureInfo.InvariantCulture, out var micros))
            return false;
        containerId = match.Groups["id"].Value;
        sinceBoot = TimeSpan.FromMicroseconds(micros);
        return true;
    }

    [GeneratedRegex(@";oom-kill:.*\btask_memcg=[^,]*?(?<id>[0-9a-f]{64})\b")]
    private static partial Regex OomKill();

    private void ReadForever(Microsoft.Win32.SafeHandles.SafeFileHandle handle)
    {
        // Each read returns one record; a record the reader was too slow for is overwritten and the read fails
        // once with EPIPE, after which reading goes on from the oldest record left. The device cannot seek, so the
        // stream reads it unbuffered, as the records come.
        using var log = new FileStream(handle, FileAccess.Read, bufferSize: 0);
        var buffer = new byte[8192];
        while (true)
        {
            int read;
            try
            {
                read = log.Read(buffer, 0, buffer.Length);
            }
            catch (IOException)
            {
                continue;
            }
            if (read <= 0)
                return;
            if (TryParseKill(Encoding.UTF8.GetString(buffer, 0, read), out var containerId, out var sinceBoot))
                Remember(containerId, BootTime() + sinceBoot);
        }
    }

    /// <summary>The wall-clock time of boot, by the monotonic clock the kernel log stamps its records with.</summary>
    private static DateTimeOffset BootTime() =>
        DateTimeOffset.UtcNow - TimeSpan.FromSeconds((double)Stopwatch.GetTimestamp() / Stopwatch.Frequency);

    private void Remember(string containerId, DateTimeOffset at)
    {
        _killedAt[containerId] = at;
        _order.Enqueue(containerId);
        while (_order.Count > Remembered && _order.TryDequeue(out var oldest))
            _killedAt.TryRemove(oldest, out _);
    }
}
