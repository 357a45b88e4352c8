using Docker.DotNet;
using Docker.DotNet.Models;
using Microsoft.Extensions.Options;

namespace Orchestrator.WorkerAgent.Reporting;

/// <summary>
/// Removes images no container uses once the engine's disk passes the high mark, oldest use first, down to the low
/// mark. Everything it decides from comes from the engine at each run (the images' tag and creation times, the
/// containers that reference them, the disk), none from memory, so an agent restart loses nothing.
/// </summary>
public sealed class ImageJanitor(
    IDockerClient docker,
    IOptions<ImageGcOptions> options,
    IOptions<AgentOptions> agentOptions,
    TimeProvider clock,
    ILogger<ImageJanitor> logger) : PeriodicBackgroundService(clock)
{
    private bool _loggedFallbackDisk;

    protected override TimeSpan Interval => options.Value.Interval;

    protected override Task RunOnceAsync(CancellationToken cancellationToken) =>
        options.Value.Enabled ? CollectAsync(cancellationToken) : Task.CompletedTask;

    protected override void OnRunFailed(Exception error) => logger.LogWarning(error, "Removing unused images failed");

    /// <summary>One look at the disk, and the removals it calls for. Returns the ids of the images removed.</summary>
    public async Task<IReadOnlyList<string>> CollectAsync(CancellationToken cancellationToken)
    {
        var settings = options.Value;
        var disk = await ImageDiskAsync(cancellationToken);
        if (disk.UsedPercent <= settings.HighThresholdPercent)
            return [];

        // Stopped containers count: the engine refuses to remove an image any container was created from.
        var containers = await docker.Containers.ListContainersAsync(new ContainersListParameters { All = true }, cancellationToken);
        var referenced = containers.Select(c => c.ImageID).ToHashSet(StringComparer.Ordinal);
        var listed = await docker.Images.ListImagesAsync(new ImagesListParameters { All = false }, cancellationToken);
        var images = new List<ImageOnNode>();
        foreach (var image in listed.Where(i => !referenced.Contains(i.ID)))
            images.Add(await DescribeAsync(image, cancellationToken));

        var removed = new List<string>();
        foreach (var image in ImageGcPolicy.Choose(images, referenced, settings, disk, Clock.GetUtcNow()))
        {
            if (await TryRemoveAsync(image, cancellationToken))
                removed.Add(image.Id);
        }
        return removed;
    }

    private async Task<ImageOnNode> DescribeAsync(ImagesListResponse image, CancellationToken cancellationToken)
    {
        var tags = (image.RepoTags ?? []).Where(t => t != "<none>:<none>").ToList();
        var names = tags.Concat((image.RepoDigests ?? []).Where(d => d != "<none>@<none>")).ToList();
        var inspected = await docker.Images.InspectImageAsync(image.ID, cancellationToken);
        var lastTagged = inspected.Metadata?.LastTagTime ?? default;
        var lastUsed = lastTagged > DateTime.MinValue.AddYears(1) ? lastTagged : image.Created;
        return new ImageOnNode(image.ID, names, image.Size, AsUtc(lastUsed))
        {
            Tags = tags,
        };
    }

    private static DateTimeOffset AsUtc(DateTime time) =>
        new(time.Kind == DateTimeKind.Unspecified ? DateTime.SpecifyKind(time, DateTimeKind.Utc) : time.ToUniversalTime());

    /// <summary>
    /// Untags a tagged image tag by tag (the last untag removes it; removing by id would refuse an image with several
    /// tags), and removes an untagged one by id. Never forced: the engine refuses an image a container created meanwhile
    /// uses, and that image simply stays.
    /// </summary>
    private async Task<bool> TryRemoveAsync(ImageOnNode image, CancellationToken cancellationToken)
    {
        try
        {
            foreach (var reference in image.Tags.Count > 0 ? image.Tags : [image.Id])
                await docker.Images.DeleteImageAsync(reference, new ImageDeleteParameters { Force = false }, cancellationToken);
            AgentTelemetry.ImagesRemoved.Add(1);
            logger.LogInformation("Removed unused image {ImageId} ({Names}, last used {LastUsed:o}, {SizeMb} MiB)",
                image.Id, string.Join(", ", image.Names), image.LastUsed, image.SizeBytes / (1024 * 1024));
            return true;
        }
        catch (DockerApiException refused)
        {
            logger.LogInformation("The engine kept image {ImageId} ({Names}): {Reason}", image.Id, string.Join(", ", image.Names), refused.ResponseBody);
            return false;
        }
    }

    /// <summary>The filesystem holding the engine's data; the agent's own when the agent cannot see the engine's path.</summary>
    private async Task<DiskUsage> ImageDiskAsync(CancellationToken cancellationToken)
    {
        var info = await docker.System.GetSystemInfoAsync(cancellationToken);
        var path = info.DockerRootDir;
        if (string.IsNullOrEmpty(path) || !Directory.Exists(path))
        {
            if (!_loggedFallbackDisk)
                logger.LogInformation("The engine's data directory {EngineRoot} is not visible here; measuring the image disk at {DataPath} instead",
                    path, agentOptions.Value.DataPath);
            _loggedFallbackDisk = true;
            path = agentOptions.Value.DataPath;
        }
        var drive = new DriveInfo(path);
        return new DiskUsage(drive.TotalSize, drive.TotalSize - drive.AvailableFreeSpace);
    }
}
