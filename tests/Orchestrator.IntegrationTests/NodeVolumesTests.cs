using System.Net;
using System.Net.Http.Json;
using Docker.DotNet;
using Docker.DotNet.Models;
using Microsoft.AspNetCore.Mvc;
using Orchestrator.Contracts;
using Orchestrator.IntegrationTests.Infrastructure;
using Orchestrator.WorkerAgent.Runtime;

namespace Orchestrator.IntegrationTests;

/// <summary>
/// A node's volumes through the Api, answered by its agent from the real engine. The volume is made here with the
/// labels the agent gives a task's volume, as the agent would on a task's first mount.
/// </summary>
[Collection(ClusterCollection.Name)]
public sealed class NodeVolumesTests(ClusterFixture cluster) : IAsyncLifetime
{
    private readonly string _volume = $"orch-voltest-{Guid.NewGuid():N}";
    private readonly string _foreignVolume = $"orch-voltest-foreign-{Guid.NewGuid():N}";
    private string? _container;

    public async Task InitializeAsync()
    {
        await cluster.Docker.Volumes.CreateAsync(new VolumesCreateParameters
        {
            Name = _volume,
            Labels = new Dictionary<string, string>
            {
                [VolumeLabels.Source] = "pgdata",
                [VolumeLabels.NodeId] = cluster.Node.Id.ToString(),
                [VolumeLabels.Job] = "db",
                [VolumeLabels.Slot] = "1",
                [VolumeLabels.CreatedByName] = "db-1",
            },
        });
        // An operator's own volume: not the orchestrator's to list or remove.
        await cluster.Docker.Volumes.CreateAsync(new VolumesCreateParameters { Name = _foreignVolume });
    }

    private string VolumesPath => $"/api/nodes/{cluster.Node.Id}/volumes";

    [Fact]
    public async Task A_volume_is_listed_refused_removal_while_a_container_references_it_and_removed_after()
    {
        _container = (await cluster.Docker.Containers.CreateContainerAsync(new CreateContainerParameters
        {
            Image = TestImages.Workload,
            Cmd = ["sleep", "300"],
            HostConfig = new HostConfig { Binds = [$"{_volume}:/data"] },
        })).ID;
        await cluster.Docker.Containers.StartContainerAsync(_container, new ContainerStartParameters());

        var listed = await cluster.Api.GetFromJsonAsync<List<VolumeDetails>>(VolumesPath, ClusterFixtureBase.Json);
        var volume = Assert.Single(listed!, v => v.Name == _volume);
        Assert.Equal(("pgdata", "db", 1, "db-1"), (volume.Source, volume.Job, volume.Slot, volume.CreatedByTaskName));
        Assert.Equal(_container, Assert.Single(volume.UsedBy).ContainerId);
        Assert.DoesNotContain(listed!, v => v.Name == _foreignVolume);

        var refused = await cluster.Api.DeleteAsync($"{VolumesPath}/{_volume}");
        Assert.Equal(HttpStatusCode.Conflict, refused.StatusCode);
        var problem = await refused.Content.ReadFromJsonAsync<ProblemDetails>(ClusterFixtureBase.Json);
        Assert.Contains(_container[..12], problem!.Detail);

        await cluster.Docker.Containers.RemoveContainerAsync(_container, new ContainerRemoveParameters { Force = true });
        var removed = await cluster.Api.DeleteAsync($"{VolumesPath}/{_volume}");
        Assert.Equal(HttpStatusCode.NoContent, removed.StatusCode);
        await Assert.ThrowsAsync<DockerApiException>(() => cluster.Docker.Volumes.InspectAsync(_volume));

        var again = await cluster.Api.DeleteAsync($"{VolumesPath}/{_volume}");
        Assert.Equal(HttpStatusCode.NotFound, again.StatusCode);
    }

    [Fact]
    public async Task An_operators_own_volume_and_an_unknown_node_are_not_found()
    {
        var foreign = await cluster.Api.DeleteAsync($"{VolumesPath}/{_foreignVolume}");
        Assert.Equal(HttpStatusCode.NotFound, foreign.StatusCode);
        Assert.Equal(_foreignVolume, (await cluster.Docker.Volumes.InspectAsync(_foreignVolume)).Name);

        var unknownNode = await cluster.Api.GetAsync($"/api/nodes/{Guid.NewGuid()}/volumes");
        Assert.Equal(HttpStatusCode.NotFound, unknownNode.StatusCode);
        var problem = await unknownNode.Content.ReadFromJsonAsync<ProblemDetails>(ClusterFixtureBase.Json);
        Assert.Equal("No such node.", problem!.Title);
    }

    public async Task DisposeAsync()
    {
        if (_container is not null)
        {
            try
            {
                await cluster.Docker.Containers.RemoveContainerAsync(_container, new ContainerRemoveParameters { Force = true });
            }
            catch (DockerContainerNotFoundException)
            {
            }
        }
        foreach (var volume in new[] { _volume, _foreignVolume })
        {
            try
            {
                await cluster.Docker.Volumes.RemoveAsync(volume, force: true);
            }
            catch (DockerApiException)
            {
            }
        }
    }
}
