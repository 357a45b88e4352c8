using System.Diagnostics;
using System.Globalization;
using System.Net;
using Docker.DotNet;
using Docker.DotNet.Models;
using Microsoft.Extensions.Options;
using Orchestrator.Contracts;
using Orchestrator.WorkerAgent.Host;
using ContractPortBinding = Orchestrator.Contracts.PortBinding;
using DockerPortBinding = Docker.DotNet.Models.PortBinding;

namespace Orchestrator.WorkerAgent.Runtime;

/// <summary>Runs tasks as Docker containers through the Engine API, each call under a span of its own.</summary>
public sealed class DockerContainerRuntime(IDockerClient docker, NodeIdentity node, IOptions<AgentOptions> options)
    : IContainerRuntime
{
    public async Task<ContainerStatus> StartAsync(StartTask command, CancellationToken cancellationToken)
    {
        var existing = await FindAsync(command.TaskId, command.Attempt, cancellationToken);
        var containerId = existing?.ID ?? await CreateAsync(command, cancellationToken);
        if (existing is null || existing.State == "created")
            await StartContainerAsync(containerId, cancellationToken);
        return await InspectAsync(containerId, cancellationToken);
    }

    public async Task<ContainerExit> WaitAsync(string containerId, CancellationToken cancellationToken)
    {
        await docker.Containers.WaitContainerAsync(containerId, cancellationToken);
        var status = await InspectAsync(containerId, cancellationToken);
        return status.Exit ?? throw new InvalidOperationException($"Container {containerId} reported an exit but is still running.");
    }

    public async Task<ContainerExit?> StopAsync(Guid taskId, int attempt, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var container = await FindAsync(taskId, attempt, cancellationToken);
        if (container is null)
            return null;
        try
        {
            using (var activity = AgentTelemetry.Source.StartActivity("docker stop"))
            {
                activity?.SetTag("container.id", container.ID);
                await docker.Containers.StopContainerAsync(
                    container.ID, new ContainerStopParameters { WaitBeforeKillSeconds = (uint)timeout.TotalSeconds }, cancellationToken);
            }
            var status = await InspectAsync(container.ID, cancellationToken);
            using (AgentTelemetry.Source.StartActivity("docker remove"))
                await docker.Containers.RemoveContainerAsync(container.ID, new ContainerRemoveParameters { Force = true }, cancellationToken);
            return status.Exit;
        }
        catch (DockerApiException error) when (error.StatusCode is HttpStatusCode.NotFound or HttpStatusCode.Conflict)
        {
            // A concurrent stop of the same task got there first: the container is gone or going.
            return null;
        }
    }

    public async Task<IReadOnlyList<ContainerReport>> ListAsync(CancellationToken cancellationToken)
    {
        var containers = await ListOwnAsync(extraLabel: null, cancellationToken);
        var reports = new List<ContainerReport>(containers.Count);
        foreach (var container in containers)
        {
            if (!ContainerLabels.TryRead(container.Labels, out var taskId, out var attempt))
                continue;
            var running = container.State is "running" or "created" or "restarting";
            reports.Add(new ContainerReport(taskId, attempt, container.ID, running, running ? null : ExitCodeOf(container.Status)));
        }
        return reports;
    }

    private async Task<string> CreateAsync(StartTask command, CancellationToken cancellationToken)
    {
        using var activity = AgentTelemetry.Source.StartActivity("docker create");
        activity?.SetTag("container.image", command.Spec.Image);
        try
        {
            var response = await docker.Containers.CreateContainerAsync(ContainerSpec.From(command, node, options.Value), cancellationToken);
            activity?.SetTag("container.id", response.ID);
            return response.ID;
        }
        catch (DockerImageNotFoundException error)
        {
            throw new ContainerStartException($"image {command.Spec.Image} is not present on node {node.Name}", error);
        }
        catch (DockerApiException error)
        {
            throw new ContainerStartException($"the engine refused to create the container: {error.ResponseBody.Trim()}", error);
        }
    }

    private async Task StartContainerAsync(string containerId, CancellationToken cancellationToken)
    {
        using var activity = AgentTelemetry.Source.StartActivity("docker start");
        activity?.SetTag("container.id", containerId);
        try
        {
            await docker.Containers.StartContainerAsync(containerId, new ContainerStartParameters(), cancellationToken);
        }
        catch (DockerApiException error)
        {
            throw new ContainerStartException($"the engine could not start the container: {error.ResponseBody.Trim()}", error);
        }
    }

    private async Task<ContainerStatus> InspectAsync(string containerId, CancellationToken cancellationToken)
    {
        var inspected = await docker.Containers.InspectContainerAsync(containerId, cancellationToken);
        var ports = (inspected.NetworkSettings?.Ports ?? new Dictionary<string, IList<DockerPortBinding>>())
            .SelectMany(pair => (pair.Value ?? []).Take(1).Select(binding => ToBinding(pair.Key, binding)))
            .ToList();
        var state = inspected.State;
        var exit = state.Running || state.Status == "created"
            ? null
            : new ContainerExit(containerId, state.ExitCode, state.OOMKilled, ParseTime(state.FinishedAt));
        return new ContainerStatus(containerId, ports, ParseTime(state.StartedAt), exit);
    }

    private async Task<ContainerListResponse?> FindAsync(Guid taskId, int attempt, CancellationToken cancellationToken)
    {
        var matches = await ListOwnAsync($"{ContainerLabels.TaskId}={taskId}", cancellationToken);
        return matches.FirstOrDefault(c => ContainerLabels.TryRead(c.Labels, out _, out var found) && found == attempt);
    }

    private Task<IList<ContainerListResponse>> ListOwnAsync(string? extraLabel, CancellationToken cancellationToken)
    {
        var labels = new Dictionary<string, bool> { [$"{ContainerLabels.NodeId}={node.Id}"] = true };
        if (extraLabel is not null)
            labels[extraLabel] = true;
        return docker.Containers.ListContainersAsync(
            new ContainersListParameters { All = true, Filters = new Dictionary<string, IDictionary<string, bool>> { ["label"] = labels } },
            cancellationToken);
    }

    private static ContractPortBinding ToBinding(string key, DockerPortBinding binding)
    {
        var parts = key.Split('/');
        return new ContractPortBinding(
            int.Parse(parts[0], CultureInfo.InvariantCulture),
            int.TryParse(binding.HostPort, CultureInfo.InvariantCulture, out var hostPort) ? hostPort : 0,
            parts.Length > 1 ? parts[1] : "tcp");
    }

    private static DateTimeOffset ParseTime(string? value) =>
        DateTimeOffset.TryParse(value, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var time) && time.Year > 1
            ? time
            : DateTimeOffset.UtcNow;

    /// <summary>The list API gives only "Exited (3) 5 seconds ago"; inspecting every container would cost a call each.</summary>
    internal static long? ExitCodeOf(string status)
    {
        var open = status.IndexOf('(');
        var close = status.IndexOf(')');
        return open >= 0 && close > open && long.TryParse(status.AsSpan(open + 1, close - open - 1), CultureInfo.InvariantCulture, out var code)
            ? code
            : null;
    }
}
