using Docker.DotNet;
using Docker.DotNet.Models;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using Orchestrator.IntegrationTests.Infrastructure;
using Orchestrator.WorkerAgent;
using Orchestrator.WorkerAgent.Reporting;

namespace Orchestrator.IntegrationTests;

/// <summary>
/// The image collector against the real engine. This engine's images belong to the other tests and to whoever runs
/// them: the collector here may remove only the two images this test makes. Every other image present is kept by
/// its id, and its clock stops before the snapshot of them, so an image made meanwhile is too new to go.
/// </summary>
public sealed class ImageJanitorTests : IAsyncLifetime
{
    private readonly DockerClient _docker = new DockerClientConfiguration(new Uri("unix:///var/run/docker.sock")).CreateClient();
    private readonly string _tag = Guid.NewGuid().ToString("N");
    private readonly List<string> _containers = [];
    private string UsedImage => $"orch-gc-test-used:{_tag}";
    private string UnusedImage => $"orch-gc-test-unused:{_tag}";

    public Task InitializeAsync() => Task.CompletedTask;

    [Fact]
    public async Task An_image_no_container_uses_is_removed_and_one_a_container_uses_is_kept()
    {
        var used = await CommitImageAsync(UsedImage, "used");
        var unused = await CommitImageAsync(UnusedImage, "unused");
        _containers.Add((await _docker.Containers.CreateContainerAsync(new CreateContainerParameters
        {
            Image = UsedImage,
            Cmd = ["sleep", "300"],
        })).ID);
        await _docker.Containers.StartContainerAsync(_containers[^1], new ContainerStartParameters());

        var now = DateTimeOffset.UtcNow;
        var others = (await _docker.Images.ListImagesAsync(new ImagesListParameters { All = true }))
            .Select(i => i.ID)
            .Where(id => id != used && id != unused)
            .ToList();
        var janitor = new ImageJanitor(
            _docker,
            Options.Create(new ImageGcOptions
            {
                HighThresholdPercent = 0,
                LowThresholdPercent = 0,
                UnusedFor = TimeSpan.Zero,
                Keep = ["orchestrator/*", .. others],
            }),
            Options.Create(new AgentOptions()),
            new FakeTimeProvider(now),
            NullLogger<ImageJanitor>.Instance);

        var removed = await janitor.CollectAsync(CancellationToken.None);

        Assert.Equal([unused], removed);
        await Assert.ThrowsAsync<DockerImageNotFoundException>(() => _docker.Images.InspectImageAsync(unused));
        Assert.Equal(used, (await _docker.Images.InspectImageAsync(UsedImage)).ID);
    }

    /// <summary>An image of its own: a file written in a container of the workload image, committed under <paramref name="reference"/>.</summary>
    private async Task<string> CommitImageAsync(string reference, string content)
    {
        var container = await _docker.Containers.CreateContainerAsync(new CreateContainerParameters
        {
            Image = TestImages.Workload,
            Cmd = ["sh", "-c", $"echo {content} > /gc-test"],
        });
        _containers.Add(container.ID);
        await _docker.Containers.StartContainerAsync(container.ID, new ContainerStartParameters());
        await _docker.Containers.WaitContainerAsync(container.ID);
        var (repository, tag) = (reference.Split(':')[0], reference.Split(':')[1]);
        var committed = await _docker.Images.CommitContainerChangesAsync(new CommitContainerChangesParameters
        {
            ContainerID = container.ID,
            RepositoryName = repository,
            Tag = tag,
        });
        return committed.ID;
    }

    public async Task DisposeAsync()
    {
        foreach (var container in _containers)
            await _docker.Containers.RemoveContainerAsync(container, new ContainerRemoveParameters { Force = true });
        foreach (var image in new[] { UsedImage, UnusedImage })
        {
            try
            {
                await _docker.Images.DeleteImageAsync(image, new ImageDeleteParameters());
            }
            catch (DockerImageNotFoundException)
            {
            }
        }
        _docker.Dispose();
    }
}
