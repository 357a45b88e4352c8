using Docker.DotNet;
using Docker.DotNet.Models;
using Orchestrator.WorkerAgent.Runtime;

namespace Orchestrator.IntegrationTests.Infrastructure;

/// <summary>
/// The task containers on this machine's engine, found by the labels the agents give them: what a test checks is
/// gone, and what a failed test left behind, removed.
/// </summary>
public sealed class EngineContainers(DockerClient docker)
{
    public async Task<IList<ContainerListResponse>> OfTaskAsync(Guid taskId) =>
        await docker.Containers.ListContainersAsync(Labelled($"{ContainerLabels.TaskId}={taskId}"));

    /// <summary>Removes every container of the node, whatever its state.</summary>
    public async Task RemoveOfNodeAsync(Guid nodeId)
    {
        var leftovers = await docker.Containers.ListContainersAsync(Labelled($"{ContainerLabels.NodeId}={nodeId}"));
        foreach (var container in leftovers)
            await docker.Containers.RemoveContainerAsync(container.ID, new ContainerRemoveParameters { Force = true });
    }

    /// <summary>Removes a named volume a test made, and first every container that mounts it, whatever its state.</summary>
    public async Task RemoveVolumeAsync(string name)
    {
        foreach (var container in await docker.Containers.ListContainersAsync(Filtered("volume", name)))
            await docker.Containers.RemoveContainerAsync(container.ID, new ContainerRemoveParameters { Force = true });
        try
        {
            await docker.Volumes.RemoveAsync(name, force: true);
        }
        catch (DockerApiException error) when (error.StatusCode == System.Net.HttpStatusCode.NotFound)
        {
        }
    }

    private static ContainersListParameters Labelled(string label) => Filtered("label", label);

    private static ContainersListParameters Filtered(string filter, string value) => new()
    {
        All = true,
        Filters = new Dictionary<string, IDictionary<string, bool>>
        {
            [filter] = new Dictionary<string, bool> { [value] = true },
        },
    };
}
