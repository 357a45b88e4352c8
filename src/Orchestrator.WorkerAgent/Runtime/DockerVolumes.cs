using System.Globalization;
using System.Net;
using Docker.DotNet;
using Docker.DotNet.Models;
using Orchestrator.Contracts;

namespace Orchestrator.WorkerAgent.Runtime;

/// <summary>
/// The named volumes the agent made for tasks (those labelled <see cref="VolumeLabels.Source"/>), as the engine
/// describes them. An operator's own volumes on the node are neither listed nor removed.
/// </summary>
public sealed class DockerVolumes(IDockerClient docker, ILogger<DockerVolumes> logger)
{
    public async Task<IReadOnlyList<VolumeDetails>> ListAsync(CancellationToken cancellationToken)
    {
        var listed = await docker.Volumes.ListAsync(new VolumesListParameters
        {
            Filters = new Dictionary<string, IDictionary<string, bool>> { ["label"] = new Dictionary<string, bool> { [VolumeLabels.Source] = true } },
        }, cancellationToken);
        if (listed.Volumes is not { Count: > 0 })
            return [];
        // One listing of every container, read for the volumes each mounts, rather than a listing per volume.
        var containers = await docker.Containers.ListContainersAsync(new ContainersListParameters { All = true }, cancellationToken);
        var users = containers
            .SelectMany(container => (container.Mounts ?? []).Where(m => m.Type == "volume" && m.Name is not null)
                .Select(mount => (Volume: mount.Name, User: UserOf(container))))
            .ToLookup(use => use.Volume, use => use.User, StringComparer.Ordinal);
        return listed.Volumes
            .OrderBy(v => v.Name, StringComparer.Ordinal)
            .Select(volume => Describe(volume, users[volume.Name].ToList()))
            .ToList();
    }

    /// <summary>
    /// Refused while any container references the volume, a stopped one too: the engine would refuse it anyway, and the
    /// exited container of a finished task is removed after the agent's retention, which frees the volume then.
    /// </summary>
    public async Task<object> RemoveAsync(string name, CancellationToken cancellationToken)
    {
        if (await FindOwnAsync(name, cancellationToken) is null)
            return new VolumeNotFound(name);
        var users = await UsersAsync(name, cancellationToken);
        if (users.Count > 0)
            return Refused(name, users);
        try
        {
            await docker.Volumes.RemoveAsync(name, force: false, cancellationToken);
        }
        catch (DockerApiException conflict) when (conflict.StatusCode == HttpStatusCode.Conflict)
        {
            // A container created since the check above.
            return Refused(name, await UsersAsync(name, cancellationToken));
        }
        catch (DockerApiException gone) when (gone.StatusCode == HttpStatusCode.NotFound)
        {
            return new VolumeNotFound(name);
        }
        logger.LogInformation("Removed volume {Volume} at a user's request", name);
        return new VolumeRemoved(name);
    }

    private static VolumeRemovalRefused Refused(string name, IReadOnlyList<VolumeUser> users)
    {
        var who = string.Join(", ", users.Select(u => u.TaskName is null
            ? $"container {ContainerIds.Short(u.ContainerId)}"
            : $"task {u.TaskName} ({(u.Running ? "running" : "exited; its container is removed after the retention")})"));
        return new VolumeRemovalRefused(name, $"Volume {name} is in use by {who}.", users);
    }

    private async Task<VolumeResponse?> FindOwnAsync(string name, CancellationToken cancellationToken)
    {
        try
        {
            var volume = await docker.Volumes.InspectAsync(name, cancellationToken);
            return volume.Labels is not null && volume.Labels.ContainsKey(VolumeLabels.Source) ? volume : null;
        }
        catch (DockerApiException missing) when (missing.StatusCode == HttpStatusCode.NotFound)
        {
            return null;
        }
    }

    private async Task<IReadOnlyList<VolumeUser>> UsersAsync(string name, CancellationToken cancellationToken)
    {
        var containers = await docker.Containers.ListContainersAsync(new ContainersListParameters
        {
            All = true,
            Filters = new Dictionary<string, IDictionary<string, bool>> { ["volume"] = new Dictionary<string, bool> { [name] = true } },
        }, cancellationToken);
        return containers.Select(UserOf).ToList();
    }

    private static VolumeUser UserOf(ContainerListResponse container) => new(
        container.ID,
        ContainerLabels.TryRead(container.Labels, out var taskId, out _) ? taskId : null,
        container.Labels is not null && container.Labels.TryGetValue(ContainerLabels.TaskName, out var taskName) ? taskName : null,
        container.State == "running");

    private static VolumeDetails Describe(VolumeResponse volume, IReadOnlyList<VolumeUser> users)
    {
        IReadOnlyDictionary<string, string> labels = volume.Labels is null ? new Dictionary<string, string>() : new Dictionary<string, string>(volume.Labels);
        return new VolumeDetails(
            volume.Name,
            labels.GetValueOrDefault(VolumeLabels.Source, volume.Name),
            labels.GetValueOrDefault(VolumeLabels.Job),
            int.TryParse(labels.GetValueOrDefault(VolumeLabels.Slot), CultureInfo.InvariantCulture, out var slot) ? slot : null,
            labels.GetValueOrDefault(VolumeLabels.CreatedByName),
            DateTimeOffset.TryParse(volume.CreatedAt, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var created) ? created : null,
            users);
    }
}
