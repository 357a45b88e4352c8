using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text;
using Docker.DotNet;
using Docker.DotNet.Models;
using Microsoft.Extensions.Options;
using Orchestrator.Contracts;
using Orchestrator.Domain.Tasks;
using Orchestrator.WorkerAgent.Host;
using ContractPortBinding = Orchestrator.Contracts.PortBinding;
using DockerPortBinding = Docker.DotNet.Models.PortBinding;

namespace Orchestrator.WorkerAgent.Runtime;

/// <summary>Runs tasks as Docker containers through the Engine API, each engine call under a span of its own.</summary>
/// <param name="secrets">Where the values of a task's secrets come from; null on a node that has none to give.</param>
/// <param name="pullCredentials">Where a registry's credentials come from before a pull; without it every pull is anonymous.</param>
/// <param name="serviceAddresses">Where the addresses of a task's upstreams come from; without it a task that has any fails to start.</param>
public sealed class DockerContainerRuntime(IDockerClient docker, NodeIdentity node, IOptions<AgentOptions> options, HostPortPicker portPicker,
    KernelOomLog kernelLog, TaskFileMounts files, ILogger<DockerContainerRuntime> logger, ITaskSecrets? secrets = null,
    IPullCredentials? pullCredentials = null, IServiceAddressLookup? serviceAddresses = null)
    : IContainerRuntime
{
    /// <summary>
    /// Creates and starts the attempt's container. Its name is the attempt's, so a repeated start meets the
    /// container the first one made (the engine refuses the name) and starts it only if it never ran: idempotent
    /// without listing the node's containers first. The engine is asked about the container afterwards only when
    /// the task publishes ports. A port the agent picked that turns out to be held outside the engine costs one
    /// more create, with other ports.
    /// </summary>
    public async Task<ContainerStatus> StartAsync(ContainerLaunch launch, Func<string, Task> reportStep, CancellationToken cancellationToken)
    {
        await EnsureVolumesAsync(launch, cancellationToken);
        await PullIfAlwaysAsync(launch, reportStep, cancellationToken);
        var values = await FetchSecretsAsync(launch, cancellationToken);
        launch = await WithUpstreamAddressesAsync(launch, cancellationToken);
        if (TaskFileMounts.Needs(launch.Spec))
            files.Write(launch, values);
        var refused = new HashSet<HostPort>();
        for (var bind = 1; ; bind++)
        {
            var ports = await portPicker.DecideAsync(launch.Spec.PortsOrEmpty, refused, cancellationToken);
            string? containerId;
            try
            {
                containerId = await CreateAsync(launch, ports, values, reportStep, cancellationToken);
            }
            catch (ContainerStartException)
            {
                // No container was made, so none will be removed with the files.
                files.Remove(launch.TaskId, launch.Attempt);
                throw;
            }
            if (containerId is null)
            {
                var existing = await FindAsync(launch.TaskId, launch.Attempt, cancellationToken)
                    ?? throw new ContainerStartException($"a container named for attempt {launch.Attempt} exists but is not this node's, or is being removed");
                if (existing.State != "created")
                    return await InspectAsync(existing.ID, cancellationToken);
                containerId = existing.ID;
            }
            try
            {
                await StartContainerAsync(containerId, cancellationToken);
            }
            catch (ContainerStartException error) when (bind < MaxBindTries && IsPortTaken(error) && Picked(launch, ports).Any())
            {
                logger.LogInformation("A host port picked for task {TaskId} is taken outside the engine; picking again", launch.TaskId);
                refused.UnionWith(Picked(launch, ports));
                await RemoveContainerAsync(containerId, cancellationToken);
                continue;
            }
            var started = DateTimeOffset.UtcNow;
            return ports.Count > 0
                ? await InspectAsync(containerId, cancellationToken)
                : new ContainerStatus(containerId, [], started, Exit: null);
        }
    }

    private const int MaxBindTries = 5;

    /// <summary>The values of the secrets the task uses, fetched only when it uses any.</summary>
    private async Task<IReadOnlyDictionary<string, byte[]>> FetchSecretsAsync(ContainerLaunch launch, CancellationToken cancellationToken)
    {
        if (launch.Spec.SecretNames.Count == 0)
            return new Dictionary<string, byte[]>();
        if (secrets is null)
            throw new ContainerStartException($"the task uses secrets ({string.Join(", ", launch.Spec.SecretNames)}), and secrets are not available on this node");
        using var activity = AgentTelemetry.Source.StartActivity("fetch secrets");
        activity?.SetTag("secret.count", launch.Spec.SecretNames.Count);
        return await secrets.FetchAsync(launch, cancellationToken);
    }

    /// <summary>The launch with the addresses of the task's upstreams in its environment, asked for only when it has any.</summary>
    private async Task<ContainerLaunch> WithUpstreamAddressesAsync(ContainerLaunch launch, CancellationToken cancellationToken)
    {
        var upstreams = launch.Spec.UpstreamsOrEmpty;
        if (upstreams.Count == 0)
            return launch;
        if (serviceAddresses is null)
            throw new ContainerStartException($"the task calls services ({string.Join(", ", upstreams)}), and their addresses are not available on this node");
        using var activity = AgentTelemetry.Source.StartActivity("find upstream addresses");
        activity?.SetTag("upstream.count", upstreams.Count);
        return BusServiceAddressLookup.WithAddresses(launch, await serviceAddresses.FindAsync(upstreams, cancellationToken));
    }

    /// <summary>The host ports the agent chose for the ports the task left to the node.</summary>
    private static IEnumerable<HostPort> Picked(ContainerLaunch launch, IReadOnlyList<PortMapping> decided) =>
        launch.Spec.PortsOrEmpty.Zip(decided)
            .Where(pair => pair.First.HostPort == 0)
            .Select(pair => HostPort.Of(pair.Second.HostPort, pair.Second.Protocol));

    /// <summary>The engine's words when a published port is bound already, by a container or by another process.</summary>
    private static bool IsPortTaken(ContainerStartException error) =>
        error.InnerException is DockerApiException { ResponseBody: var body }
        && (body.Contains("port is already allocated", StringComparison.OrdinalIgnoreCase)
            || body.Contains("address already in use", StringComparison.OrdinalIgnoreCase));

    /// <summary>Waits for the exit, then reads the end of the output while the container is sure to exist.</summary>
    public async Task<ContainerExit> WaitAsync(string containerId, CancellationToken cancellationToken)
    {
        var exit = await WaitForExitAsync(containerId, cancellationToken);
        return exit with { Output = await ReadOutputTailAsync(containerId, cancellationToken) };
    }

    private async Task<ContainerExit> WaitForExitAsync(string containerId, CancellationToken cancellationToken)
    {
        await docker.Containers.WaitContainerAsync(containerId, cancellationToken);
        var exit = (await InspectAsync(containerId, cancellationToken)).Exit
            ?? throw new InvalidOperationException($"Container {containerId} reported an exit but is still running.");
        if (exit.ExitCode != 137)
            return exit;
        if (exit.OomKilled)
        {
            // The kernel's record of this kill, if it has one, is used up, so a later run cannot take it for its own.
            if (kernelLog.IsReading)
                await kernelLog.TakeKillAsync(containerId, exit.StartedAt, TimeSpan.Zero, cancellationToken);
            return exit;
        }
        if (await OomKilledInRunAsync(exit, cancellationToken))
        {
            logger.LogInformation("Container {ContainerId} was OOM-killed, though the engine did not flag it", containerId);
            exit = exit with { OomKilled = true };
        }
        return exit;
    }

    /// <summary>
    /// Whether a SIGKILL exit the engine did not flag was an OOM kill all the same. The kernel's log knows every
    /// one (<see cref="KernelOomLog"/>); without it, the engine's event log knows those whose OOM notice reached the
    /// engine just after the exit (it then logs an <c>oom</c> event but never sets the flag).
    /// </summary>
    private Task<bool> OomKilledInRunAsync(ContainerExit exit, CancellationToken cancellationToken) =>
        kernelLog.IsReading
            ? kernelLog.TakeKillAsync(exit.ContainerId, exit.StartedAt, OomEventWait, cancellationToken)
            : OomEventInRunAsync(exit, cancellationToken);

    /// <summary>
    /// Whether the engine logged an <c>oom</c> event for the run that ended in <paramref name="exit"/>, from the
    /// run's start until one shows up or <see cref="OomEventWait"/> passes.
    /// </summary>
    private async Task<bool> OomEventInRunAsync(ContainerExit exit, CancellationToken cancellationToken)
    {
        using var activity = AgentTelemetry.Source.StartActivity("docker events oom");
        activity?.SetTag("container.id", exit.ContainerId);
        var runStartedNanos = (exit.StartedAt - DateTimeOffset.UnixEpoch).Ticks * 100;
        using var found = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        found.CancelAfter(OomEventWait);
        var killed = false;
        var parameters = new ContainerEventsParameters
        {
            Since = exit.StartedAt.AddSeconds(-1).ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture),
            Until = DateTimeOffset.UtcNow.Add(OomEventWait).AddSeconds(1).ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture),
            Filters = new Dictionary<string, IDictionary<string, bool>>
            {
                ["type"] = new Dictionary<string, bool> { ["container"] = true },
                ["event"] = new Dictionary<string, bool> { ["oom"] = true },
                ["container"] = new Dictionary<string, bool> { [exit.ContainerId] = true },
            },
        };
        try
        {
            await docker.System.MonitorEventsAsync(parameters, new OnEvent(message =>
            {
                // An OOM of an earlier run of the same container (restarted in place) is not this run's.
                if (message.TimeNano < runStartedNanos)
                    return;
                killed = true;
                found.Cancel();
            }), found.Token);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
        }
        activity?.SetTag("container.oom_killed", killed);
        return killed;
    }

    /// <summary>How long after the exit an OOM's record may still be on its way.</summary>
    private static readonly TimeSpan OomEventWait = TimeSpan.FromSeconds(1);

    /// <summary>
    /// Handles each event as it is read, unlike <see cref="Progress{T}"/>, which posts it to the thread pool and may run
    /// it after the call that read it has returned.
    /// </summary>
    private sealed class OnEvent(Action<Message> handle) : IProgress<Message>
    {
        public void Report(Message value) => handle(value);
    }

    /// <summary>
    /// Starts the container again, its task's files first written again if they are gone: a host reboot empties the
    /// tmpfs they are on, and the engine will not start a container whose bind source is missing.
    /// </summary>
    public async Task RestartAsync(string containerId, CancellationToken cancellationToken)
    {
        var inspected = await docker.Containers.InspectContainerAsync(containerId, cancellationToken);
        var labels = inspected.Config?.Labels;
        if (ContainerLabels.TryRead(labels, out var taskId, out var attempt) && ContainerLabels.ReadSpec(labels) is { } spec
            && TaskFileMounts.Needs(spec) && !files.Exists(taskId, attempt))
        {
            var launch = new ContainerLaunch(taskId, attempt, spec);
            files.Write(launch, await FetchSecretsAsync(launch, cancellationToken));
            logger.LogInformation("Wrote the files of task {TaskId} attempt {Attempt} again before its restart", taskId, attempt);
        }
        await StartContainerAsync(containerId, cancellationToken);
    }

    public async Task StopContainerAsync(string containerId, TimeSpan timeout, CancellationToken cancellationToken)
    {
        using var activity = AgentTelemetry.Source.StartActivity("docker stop");
        activity?.SetTag("container.id", containerId);
        await docker.Containers.StopContainerAsync(
            containerId, new ContainerStopParameters { WaitBeforeKillSeconds = (uint)timeout.TotalSeconds }, cancellationToken);
    }

    public async Task<ContainerExit?> StopAsync(Guid taskId, int attempt, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var container = await FindAsync(taskId, attempt, cancellationToken);
        if (container is null)
            return null;
        try
        {
            await StopContainerAsync(container.ID, timeout, cancellationToken);
            var status = await InspectAsync(container.ID, cancellationToken);
            // Read before the removal takes the output with it: the tail is all of it that outlives a stop.
            var output = await ReadOutputTailAsync(container.ID, cancellationToken);
            await RemoveContainerAsync(container.ID, cancellationToken);
            files.Remove(taskId, attempt);
            return status.Exit is { } exit ? exit with { Output = output } : null;
        }
        catch (DockerApiException error) when (error.StatusCode is HttpStatusCode.NotFound or HttpStatusCode.Conflict)
        {
            // A concurrent stop of the same task got there first: the container is gone or going.
            return null;
        }
    }

    /// <summary>Removes the container, and its task's files with it.</summary>
    public async Task RemoveAsync(string containerId, CancellationToken cancellationToken)
    {
        var labels = (await docker.Containers.InspectContainerAsync(containerId, cancellationToken)).Config?.Labels;
        await RemoveContainerAsync(containerId, cancellationToken);
        if (ContainerLabels.TryRead(labels, out var taskId, out var attempt))
            files.Remove(taskId, attempt);
    }

    private async Task RemoveContainerAsync(string containerId, CancellationToken cancellationToken)
    {
        using (AgentTelemetry.Source.StartActivity("docker remove"))
            await docker.Containers.RemoveContainerAsync(containerId, new ContainerRemoveParameters { Force = true }, cancellationToken);
    }

    public async Task<IReadOnlyList<OwnedContainer>> ListAsync(CancellationToken cancellationToken)
    {
        var containers = await ListOwnAsync(extraLabel: null, cancellationToken);
        var owned = new List<OwnedContainer>(containers.Count);
        foreach (var container in containers)
        {
            if (!ContainerLabels.TryRead(container.Labels, out var taskId, out var attempt))
                continue;
            var running = container.State is "running" or "created" or "restarting";
            owned.Add(new OwnedContainer(
                taskId, attempt, container.ID, running, running ? null : ExitCodeOf(container.Status),
                ContainerLabels.ReadSpec(container.Labels), BoundPorts(container)));
        }
        return owned;
    }

    public async Task<string> ProbeAddressAsync(string containerId, CancellationToken cancellationToken)
    {
        var inspected = await docker.Containers.InspectContainerAsync(containerId, cancellationToken);
        var network = inspected.NetworkSettings;
        var address = !string.IsNullOrEmpty(network?.IPAddress)
            ? network.IPAddress
            : network?.Networks?.Values.Select(n => n.IPAddress).FirstOrDefault(ip => !string.IsNullOrEmpty(ip));
        // A container on the host's network has no address of its own: its ports are the host's.
        return address ?? IPAddress.Loopback.ToString();
    }

    public async Task<ContainerLogs> LogsAsync(Guid taskId, int? tail, DateTimeOffset? since, int limitBytes, CancellationToken cancellationToken)
    {
        var containers = await ListOwnAsync($"{ContainerLabels.TaskId}={taskId}", cancellationToken);
        var latest = containers
            .Select(c => (Container: c, Attempt: ContainerLabels.TryRead(c.Labels, out _, out var attempt) ? attempt : 0))
            .OrderByDescending(c => c.Attempt)
            .Select(c => c.Container)
            .FirstOrDefault();
        if (latest is null)
            return new ContainerLogs(false, "", null, false);

        using var stream = await docker.Containers.GetContainerLogsAsync(latest.ID, tty: false, new ContainerLogsParameters
        {
            ShowStdout = true,
            ShowStderr = true,
            Timestamps = true,
            Tail = tail?.ToString(CultureInfo.InvariantCulture) ?? "all",
            Since = since?.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture),
        }, cancellationToken);
        var chunk = new LogChunk(after: since, limitBytes);
        await ReadLinesInWrittenOrderAsync(stream, chunk.Add, cancellationToken);
        return new ContainerLogs(true, chunk.Text, chunk.Last, latest.State == "running", chunk.Full);
    }

    /// <summary>How long an exit report waits for the end of the container's output before it goes without it.</summary>
    private static readonly TimeSpan OutputTailWait = TimeSpan.FromSeconds(5);

    /// <summary>
    /// The last <see cref="OutputTailBuffer.MaxBytes"/> bytes of the container's output, for its exit report. The
    /// engine's tail counts lines, not bytes: one more line than there are bytes kept is enough (every line but the
    /// last ends in a newline), and the buffer keeps the bytes. Null, and the exit reported without it, when the
    /// engine cannot give it in time or its log driver keeps nothing to read.
    /// </summary>
    private async Task<OutputTail?> ReadOutputTailAsync(string containerId, CancellationToken cancellationToken)
    {
        using var activity = AgentTelemetry.Source.StartActivity("docker logs tail");
        activity?.SetTag("container.id", containerId);
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(OutputTailWait);
        try
        {
            using var stream = await docker.Containers.GetContainerLogsAsync(containerId, tty: false, new ContainerLogsParameters
            {
                ShowStdout = true,
                ShowStderr = true,
                Tail = (OutputTailBuffer.MaxBytes + 1).ToString(CultureInfo.InvariantCulture),
            }, deadline.Token);
            var tail = new OutputTailBuffer();
            var buffer = new byte[8192];
            while (true)
            {
                var read = await stream.ReadOutputAsync(buffer, 0, buffer.Length, deadline.Token);
                if (read.EOF)
                    return tail.ToTail();
                tail.Append(buffer.AsSpan(0, read.Count));
            }
        }
        catch (Exception error) when (!cancellationToken.IsCancellationRequested)
        {
            // Whatever kept the tail from being read, the exit matters more than its tail: it is reported without.
            logger.LogInformation("The output of container {ContainerId} could not be read for its exit report: {Reason}", containerId, error.Message);
            return null;
        }
    }

    /// <summary>
    /// Creates the task's named volumes that do not exist yet, labelled with what owns them. One that exists is used
    /// as it is: it holds the data of the task or slot before this one. Volumes are never removed with a container.
    /// </summary>
    private async Task EnsureVolumesAsync(ContainerLaunch launch, CancellationToken cancellationToken)
    {
        foreach (var mount in launch.Spec.MountsOrEmpty.Where(m => m.IsVolume))
        {
            var labels = new Dictionary<string, string>
            {
                [VolumeLabels.Source] = mount.Source!,
                [VolumeLabels.NodeId] = node.Id.ToString(),
                [VolumeLabels.CreatedBy] = launch.TaskId.ToString(),
                [VolumeLabels.CreatedByName] = launch.Spec.Name,
            };
            if (launch.Job is not null && launch.Slot is { } slot)
            {
                labels[VolumeLabels.Job] = launch.Job;
                labels[VolumeLabels.Slot] = slot.ToString();
            }
            var name = Domain.Tasks.Mount.VolumeName(mount.Source!, launch.Job, launch.Slot);
            try
            {
                // Creating a volume that exists is no error to the engine: it returns the one there, labels unchanged.
                await docker.Volumes.CreateAsync(new VolumesCreateParameters { Name = name, Labels = labels }, cancellationToken);
            }
            catch (DockerApiException error)
            {
                throw new ContainerStartException($"the engine could not create volume {name}: {error.ResponseBody.Trim()}", error);
            }
        }
    }

    /// <summary>The new container's id, or null when the attempt's container already exists.</summary>
    private async Task<string?> CreateAsync(ContainerLaunch launch, IReadOnlyList<PortMapping> ports, IReadOnlyDictionary<string, byte[]> values,
        Func<string, Task> reportStep, CancellationToken cancellationToken)
    {
        using var activity = AgentTelemetry.Source.StartActivity("docker create");
        activity?.SetTag("container.image", launch.Spec.Image);
        var policy = launch.Spec.ImagePullPolicyOrDefault;
        try
        {
            var response = await docker.Containers.CreateContainerAsync(ContainerSpec.From(launch, node, options.Value, ports, values), cancellationToken);
            activity?.SetTag("container.id", response.ID);
            return response.ID;
        }
        catch (DockerImageNotFoundException) when (policy != ImagePullPolicy.Never && options.Value.PullMissingImages)
        {
            if (await PullAsync(launch, reportStep, cancellationToken) is { } failure)
                throw new ContainerStartException($"image {launch.Spec.Image} not present and cannot be pulled: {failure}");
            var response = await docker.Containers.CreateContainerAsync(ContainerSpec.From(launch, node, options.Value, ports, values), cancellationToken);
            activity?.SetTag("container.id", response.ID);
            return response.ID;
        }
        catch (DockerApiException error) when (error.StatusCode == HttpStatusCode.Conflict)
        {
            return null;
        }
        catch (DockerImageNotFoundException error) when (policy == ImagePullPolicy.Never)
        {
            throw new ContainerStartException($"image {launch.Spec.Image} is not on node {node.Name}, and imagePullPolicy is Never", error);
        }
        catch (DockerImageNotFoundException error)
        {
            throw new ContainerStartException($"image {launch.Spec.Image} not present and cannot be pulled (pulling is off on node {node.Name})", error);
        }
        catch (DockerApiException error)
        {
            throw new ContainerStartException($"the engine refused to create the container: {error.ResponseBody.Trim()}", error);
        }
    }

    /// <summary>
    /// Pulls the image before the container is created when the task's policy is <see cref="ImagePullPolicy.Always"/>.
    /// A pull that fails fails the task, as in Kubernetes, unless the policy is Always only by default (an image tagged
    /// <c>latest</c> or untagged) and the node has the image: then the node's copy runs, and the task's history says so.
    /// Nodes without a registry (air-gapped, images loaded with <c>docker load</c>) keep running such images.
    /// </summary>
    private async Task PullIfAlwaysAsync(ContainerLaunch launch, Func<string, Task> reportStep, CancellationToken cancellationToken)
    {
        var spec = launch.Spec;
        if (spec.ImagePullPolicyOrDefault != ImagePullPolicy.Always)
            return;
        var asked = spec.ImagePullPolicy is not null;
        if (!options.Value.PullMissingImages)
        {
            if (asked)
                throw new ContainerStartException($"imagePullPolicy is Always, and node {node.Name} pulls no images (Agent:PullMissingImages)");
            return;
        }
        if (await PullAsync(launch, reportStep, cancellationToken) is not { } failure)
            return;
        if (asked || !await IsPresentAsync(spec.Image, cancellationToken))
            throw new ContainerStartException($"image {spec.Image} could not be pulled: {failure}");
        await reportStep($"pulling image {spec.Image} failed ({failure}); running the copy on this node, as imagePullPolicy is Always only by default");
    }

    private async Task<bool> IsPresentAsync(string image, CancellationToken cancellationToken)
    {
        try
        {
            await docker.Images.InspectImageAsync(image, cancellationToken);
            return true;
        }
        catch (DockerImageNotFoundException)
        {
            return false;
        }
    }

    /// <summary>
    /// Pulls the task's image, with the credentials stored for its registry if any, telling the task's history when it
    /// begins and how long it took; the registry's reason when it fails.
    /// </summary>
    private async Task<string?> PullAsync(ContainerLaunch launch, Func<string, Task> reportStep, CancellationToken cancellationToken)
    {
        var image = launch.Spec.Image;
        await reportStep($"pulling image {image}");
        var auth = pullCredentials is null ? null : await pullCredentials.ForAsync(launch, cancellationToken);
        using var activity = AgentTelemetry.Source.StartActivity("docker pull");
        activity?.SetTag("container.image", image);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(options.Value.PullTimeout);
        var (name, tag) = SplitTag(image);
        var started = Stopwatch.GetTimestamp();
        string? failure = null;
        try
        {
            await docker.Images.CreateImageAsync(
                new ImagesCreateParameters { FromImage = name, Tag = tag },
                auth,
                new Progress<JSONMessage>(message => failure ??= message.ErrorMessage ?? message.Error?.Message),
                timeout.Token);
        }
        catch (Exception error) when (error is DockerApiException or OperationCanceledException && !cancellationToken.IsCancellationRequested)
        {
            failure ??= error switch
            {
                OperationCanceledException => $"no answer within {options.Value.PullTimeout.TotalSeconds:0} s",
                DockerApiException api when !string.IsNullOrWhiteSpace(api.ResponseBody) => ReasonOf(api.ResponseBody),
                _ => error.Message,
            };
        }
        if (failure is null)
            await reportStep(string.Create(CultureInfo.InvariantCulture, $"pulled image {image} in {Stopwatch.GetElapsedTime(started).TotalSeconds:0.0} s"));
        return failure;
    }

    /// <summary>The engine's error body is <c>{"message": "..."}</c>: the message is the registry's reason.</summary>
    private static string ReasonOf(string body)
    {
        try
        {
            using var document = System.Text.Json.JsonDocument.Parse(body);
            if (document.RootElement.TryGetProperty("message", out var message) && message.GetString() is { Length: > 0 } text)
                return text;
        }
        catch (System.Text.Json.JsonException)
        {
        }
        return body.Trim();
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
            .SelectMany(pair => (pair.Value ?? []).OrderBy(IsIPv6).Take(1).Select(binding => ToBinding(pair.Key, binding)))
            .ToList();
        var state = inspected.State;
        var exit = state.Running || state.Status == "created"
            ? null
            : new ContainerExit(containerId, state.ExitCode, state.OOMKilled, ParseTime(state.StartedAt), ParseTime(state.FinishedAt));
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

    /// <summary>
    /// The engine multiplexes stdout and stderr in frames; reading them in arrival order keeps the order written. Each
    /// line goes to <paramref name="take"/>, and reading stops when it says it is full.
    /// </summary>
    private static async Task ReadLinesInWrittenOrderAsync(MultiplexedStream stream, Func<string, bool> take, CancellationToken cancellationToken)
    {
        var buffer = new byte[81920];
        using var line = new MemoryStream();
        while (true)
        {
            var read = await stream.ReadOutputAsync(buffer, 0, buffer.Length, cancellationToken);
            if (read.EOF)
            {
                if (line.Length > 0)
                    take(Encoding.UTF8.GetString(line.GetBuffer(), 0, (int)line.Length));
                return;
            }
            var start = 0;
            for (var i = 0; i < read.Count; i++)
            {
                if (buffer[i] != (byte)'\n')
                    continue;
                line.Write(buffer, start, i - start);
                start = i + 1;
                // Full: the rest of the log is left unread, however long it is.
                if (!take(Encoding.UTF8.GetString(line.GetBuffer(), 0, (int)line.Length)))
                    return;
                line.SetLength(0);
            }
            line.Write(buffer, start, read.Count - start);
        }
    }

    /// <summary>
    /// The engine's pull takes the repository and the tag apart. A reference that pins a digest goes to it whole,
    /// under "latest".
    /// </summary>
    private static (string Name, string Tag) SplitTag(string image) =>
        Domain.Tasks.ImageReference.TryParse(image, out var reference) && reference.Digest is null
            ? (reference.Name, reference.Tag ?? "latest")
            : (image, "latest");

    /// <summary>
    /// The engine binds a published port on IPv4 and on IPv6 separately, and a port it picks may differ between
    /// the two (32834 and 32772 in a test): the IPv4 one is the task's host port, wherever it is read.
    /// </summary>
    private static bool IsIPv6(string? address) => address?.Contains(':') == true;

    private static bool IsIPv6(DockerPortBinding binding) => IsIPv6(binding.HostIP);

    private static ContractPortBinding ToBinding(string key, DockerPortBinding binding)
    {
        var parts = key.Split('/');
        return new ContractPortBinding(
            int.Parse(parts[0], CultureInfo.InvariantCulture),
            int.TryParse(binding.HostPort, CultureInfo.InvariantCulture, out var hostPort) ? hostPort : 0,
            parts.Length > 1 ? parts[1] : "tcp");
    }

    /// <summary>The host port the list API shows for each published container port: the IPv4 one, as a start reads it.</summary>
    private static IReadOnlyList<ContractPortBinding> BoundPorts(ContainerListResponse container) =>
        (container.Ports ?? [])
            .Where(port => port.PublicPort > 0)
            .GroupBy(port => (port.PrivatePort, Type: port.Type ?? "tcp"))
            .Select(bound => bound.OrderBy(port => IsIPv6(port.IP)).First())
            .Select(port => new ContractPortBinding(port.PrivatePort, port.PublicPort, port.Type ?? "tcp"))
            .ToList();

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
