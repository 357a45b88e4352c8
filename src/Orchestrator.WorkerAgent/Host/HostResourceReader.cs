using Orchestrator.Domain.Capacity;

namespace Orchestrator.WorkerAgent.Host;

/// <summary>
/// The host's real resources: cores and busy time from /proc/stat, memory from /proc/meminfo, and the disk
/// under the agent's data path. CPU usage is the busy share between two readings, in cores.
/// </summary>
public sealed class HostResourceReader(string dataPath) : IHostResources
{
    private (long Busy, long Total)? _previousCpu;

    public Resources ReadCapacity()
    {
        var memory = ReadMemInfo();
        var disk = new DriveInfo(dataPath);
        return new Resources(Environment.ProcessorCount, memory.TotalMb, disk.TotalSize / (1024 * 1024));
    }

    public Resources ReadUsage()
    {
        var memory = ReadMemInfo();
        var disk = new DriveInfo(dataPath);
        return new Resources(
            Math.Round(ReadCpuBusyCores(), 3),
            memory.TotalMb - memory.AvailableMb,
            (disk.TotalSize - disk.AvailableFreeSpace) / (1024 * 1024));
    }

    private decimal ReadCpuBusyCores()
    {
        var sample = ParseCpuLine(File.ReadLines("/proc/stat").First());
        var previous = _previousCpu;
        _previousCpu = sample;
        if (previous is not { } before || sample.Total <= before.Total)
            return 0m;
        var busyShare = (decimal)(sample.Busy - before.Busy) / (sample.Total - before.Total);
        return busyShare * Environment.ProcessorCount;
    }

    /// <summary>"cpu user nice system idle iowait irq softirq steal ...": idle and iowait are not busy.</summary>
    internal static (long Busy, long Total) ParseCpuLine(string line)
    {
        var fields = line.Split(' ', StringSplitOptions.RemoveEmptyEntries).Skip(1).Take(8).Select(long.Parse).ToArray();
        var total = fields.Sum();
        var idle = fields[3] + (fields.Length > 4 ? fields[4] : 0);
        return (total - idle, total);
    }

    private static (long TotalMb, long AvailableMb) ReadMemInfo()
    {
        long total = 0, available = 0;
        foreach (var line in File.ReadLines("/proc/meminfo"))
        {
            if (line.StartsWith("MemTotal:", StringComparison.Ordinal)) total = KibibytesOf(line);
            else if (line.StartsWith("MemAvailable:", StringComparison.Ordinal)) available = KibibytesOf(line);
        }
        return (total / 1024, available / 1024);
    }

    private static long KibibytesOf(string line) =>
        long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1]);
}
