using Orchestrator.WorkerAgent.Reporting;

namespace Orchestrator.WorkerAgent.Tests;

public sealed class ImageGcPolicyTests
{
    private static readonly DateTimeOffset Now = new(2026, 1, 10, 12, 0, 0, TimeSpan.Zero);
    private const long Gb = 1024L * 1024 * 1024;

    private static ImageOnNode Image(string id, int hoursAgo, long sizeGb = 1, params string[] names) =>
        new(id, names, sizeGb * Gb, Now.AddHours(-hoursAgo));

    private static ImageGcOptions Options(params string[] keep) =>
        new() { HighThresholdPercent = 85, LowThresholdPercent = 80, UnusedFor = TimeSpan.FromHours(1), Keep = [.. keep] };

    private static List<string> Choose(IEnumerable<ImageOnNode> images, DiskUsage disk, ImageGcOptions? options = null, params string[] referenced) =>
        ImageGcPolicy.Choose(images, referenced.ToHashSet(), options ?? Options(), disk, Now).Select(i => i.Id).ToList();

    [Fact]
    public void Nothing_is_removed_while_the_disk_is_at_or_below_the_high_mark()
    {
        Assert.Empty(Choose([Image("old", 100)], new DiskUsage(100 * Gb, 85 * Gb)));
    }

    [Fact]
    public void Unused_images_go_oldest_first_and_removal_stops_at_the_low_mark()
    {
        var images = new[] { Image("newer", 5, 3), Image("oldest", 50, 3), Image("middle", 20, 3), Image("old", 30, 3) };

        // 90 % used, low mark 80 %: 10 GiB must go, and at 3 GiB each that takes all four.
        Assert.Equal(["oldest", "old", "middle", "newer"], Choose(images, new DiskUsage(100 * Gb, 90 * Gb)));
        // 86 % used: two images (6 GiB) bring it to 80 %.
        Assert.Equal(["oldest", "old"], Choose(images, new DiskUsage(100 * Gb, 86 * Gb)));
    }

    [Fact]
    public void Images_a_container_references_recently_used_ones_and_kept_ones_stay()
    {
        var images = new[]
        {
            Image("sha256:used", 50),
            Image("sha256:recent", 0),
            Image("sha256:agent", 50, 1, "orchestrator/worker-agent:latest"),
            Image("sha256:pinned", 50, 1, "postgres:16"),
            Image("sha256:free", 40, 1, "app:1"),
        };

        var chosen = Choose(images, new DiskUsage(100 * Gb, 99 * Gb), Options("orchestrator/*", "sha256:pinned"), "sha256:used");

        Assert.Equal(["sha256:free"], chosen);
    }
}
