using System.Text.RegularExpressions;

namespace Orchestrator.WorkerAgent.Reporting;

/// <summary>An image as the engine lists it: what the collector decides from, and nothing it keeps itself.</summary>
/// <param name="LastUsed">When it was last tagged (a pull or a build tags it), else when it was created.</param>
/// <param name="Names">Its tags and digests, which the Keep patterns are matched against.</param>
public sealed record ImageOnNode(string Id, IReadOnlyList<string> Names, long SizeBytes, DateTimeOffset LastUsed)
{
    /// <summary>Its tags alone: what removing it untags.</summary>
    public IReadOnlyList<string> Tags { get; init; } = [];
}

/// <summary>The image disk's size and use, in bytes.</summary>
public readonly record struct DiskUsage(long TotalBytes, long UsedBytes)
{
    public double UsedPercent => TotalBytes <= 0 ? 0 : 100.0 * UsedBytes / TotalBytes;
}

/// <summary>Which images to remove, and in what order: pure, so the choice is tested apart from the engine.</summary>
public static class ImageGcPolicy
{
    /// <summary>
    /// The images to remove, oldest use first, when the disk is above the high mark: those no container references,
    /// that no Keep pattern names, unused for long enough; only as many as bring the disk to the low mark. An image's
    /// size counts layers it may share with others, so this stops early rather than late: the next run goes on.
    /// </summary>
    public static IReadOnlyList<ImageOnNode> Choose(
        IEnumerable<ImageOnNode> images, IReadOnlySet<string> referencedIds, ImageGcOptions options, DiskUsage disk, DateTimeOffset now)
    {
        if (disk.UsedPercent <= options.HighThresholdPercent)
            return [];
        var keep = options.Keep.Select(Pattern).ToList();
        var chosen = new List<ImageOnNode>();
        var used = disk.UsedBytes;
        foreach (var image in images
                     .Where(i => !referencedIds.Contains(i.Id))
                     .Where(i => now - i.LastUsed >= options.UnusedFor)
                     .Where(i => !keep.Any(k => k.IsMatch(i.Id) || i.Names.Any(k.IsMatch)))
                     .OrderBy(i => i.LastUsed)
                     .ThenBy(i => i.Id, StringComparer.Ordinal))
        {
            if (new DiskUsage(disk.TotalBytes, used).UsedPercent <= options.LowThresholdPercent)
                break;
            chosen.Add(image);
            used -= image.SizeBytes;
        }
        return chosen;
    }

    private static Regex Pattern(string glob) =>
        new("^" + Regex.Escape(glob).Replace("\\*", ".*", StringComparison.Ordinal) + "$", RegexOptions.CultureInvariant);
}
