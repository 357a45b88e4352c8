using Docker.DotNet.Models;
using Orchestrator.Domain.Tasks;
using Orchestrator.WorkerAgent.Host;
using DockerMount = Docker.DotNet.Models.Mount;
using DockerPortBinding = Docker.DotNet.Models.PortBinding;
using DockerUlimit = Docker.DotNet.Models.Ulimit;
using TaskSpec = Orchestrator.Domain.Tasks.TaskSpec;

namespace Orchestrator.WorkerAgent.Runtime;

/// <summary>
/// Translates a task into the engine's create parameters: limits, ports, mounts, security options, log rotation,
/// the task's runtime facts as environment variables, and the owning labels.
/// </summary>
public static class ContainerSpec
{
    // The variables that tell a task its own runtime facts; the spec's validation keeps users from setting them.
    private const string EnvPrefix = TaskSpecValidator.ReservedEnvPrefix;

    private const long MiB = 1024 * 1024;

    /// <param name="ports">
    /// The spec's ports with their host ports decided (<see cref="HostPortPicker"/>); without them, a port with host
    /// port 0 is left to the engine, which picks one only at start, and the task is not told it.
    /// </param>
    /// <param name="secrets">The values of the secrets the task uses, by name: those of <c>secretEnv</c> become variables.</param>
    /// <exception cref="ContainerStartException">The task mounts a host volume this node does not offer as asked.</exception>
    public static CreateContainerParameters From(
        ContainerLaunch launch, NodeIdentity node, AgentOptions options, IReadOnlyList<PortMapping>? ports = null,
        IReadOnlyDictionary<string, byte[]>? secrets = null)
    {
        var spec = launch.Spec;
        var resources = spec.Requested;
        ports ??= spec.PortsOrEmpty;
        var hostConfig = new HostConfig
        {
            NanoCPUs = resources.NanoCpus,
            Memory = resources.MemoryBytes,
            // No swap beyond the limit, so going over it is an OOM kill rather than a slow crawl.
            MemorySwap = resources.MemoryBytes,
            PidsLimit = options.PidsLimit,
            PortBindings = ports.ToDictionary(
                PortKey,
                port => (IList<DockerPortBinding>)[new DockerPortBinding { HostPort = port.HostPort > 0 ? port.HostPort.ToString() : "" }]),
            Mounts = [.. Mounts(launch, options), .. FileMounts(launch, node, options)],
            LogConfig = LogRotation(spec.LogsOrDefault),
        };
        ApplySecurity(hostConfig, spec, options);
        return new CreateContainerParameters
        {
            Name = $"orch-{spec.Name}-{launch.TaskId:N}-{launch.Attempt}",
            Image = spec.Image,
            Cmd = spec.Command?.ToList(),
            Entrypoint = spec.Entrypoint?.ToList(),
            WorkingDir = spec.WorkingDir,
            User = spec.User,
            StopSignal = spec.StopSignal,
            StopTimeout = spec.StopTimeout,
            Env = [.. Environment(launch, node, ports), .. SecretEnvironment(launch.Spec, secrets)],
            Labels = ContainerLabels.For(launch.TaskId, spec, node.Id, launch.Attempt, ports),
            ExposedPorts = ports.ToDictionary(PortKey, _ => new EmptyStruct()),
            HostConfig = hostConfig,
        };
    }

    /// <summary>
    /// The user's variables, then the task's runtime facts, as Nomad's <c>NOMAD_*</c>: a port's variable holds the host
    /// port decided in <paramref name="ports"/>.
    /// </summary>
    public static List<string> Environment(ContainerLaunch launch, NodeIdentity node, IReadOnlyList<PortMapping> ports)
    {
        var env = (launch.Spec.Env ?? new Dictionary<string, string>()).Select(pair => $"{pair.Key}={pair.Value}").ToList();
        env.Add($"{EnvPrefix}TASK_ID={launch.TaskId}");
        env.Add($"{EnvPrefix}TASK_NAME={launch.Spec.Name}");
        if (launch.Job is not null && launch.Slot is { } slot)
        {
            env.Add($"{EnvPrefix}JOB={launch.Job}");
            env.Add($"{EnvPrefix}SLOT={slot}");
        }
        env.Add($"{EnvPrefix}NODE_ID={node.Id}");
        env.Add($"{EnvPrefix}NODE_NAME={node.Name}");
        if (node.Address is not null)
            env.Add($"{EnvPrefix}NODE_ADDRESS={node.Address}");
        foreach (var port in ports.Where(p => p.HostPort > 0))
        {
            var suffix = port.Protocol == "udp" ? "_UDP" : "";
            env.Add($"{EnvPrefix}PORT_{port.ContainerPort}{suffix}={port.HostPort}");
        }
        return env;
    }

    /// <summary>
    /// The task's <c>secretEnv</c>, each variable with its secret's value as UTF-8 text. The engine keeps these in the
    /// container's configuration, which is why the docs recommend secrets as files.
    /// </summary>
    /// <exception cref="ContainerStartException">A secret's value did not reach the node.</exception>
    public static IEnumerable<string> SecretEnvironment(TaskSpec spec, IReadOnlyDictionary<string, byte[]>? secrets)
    {
        foreach (var (variable, name) in spec.SecretEnv ?? new Dictionary<string, string>())
        {
            if (secrets is null || !secrets.TryGetValue(name, out var value))
                throw new ContainerStartException($"the value of secret '{name}' did not reach this node");
            yield return $"{variable}={System.Text.Encoding.UTF8.GetString(value)}";
        }
    }

    /// <summary>
    /// The task's <c>files[]</c> and <c>secrets[]</c>, each bound read-only at its target from the attempt's file on the
    /// host (<see cref="TaskFileMounts"/>). The engine sees the host path, never the content.
    /// </summary>
    public static IEnumerable<DockerMount> FileMounts(ContainerLaunch launch, NodeIdentity node, AgentOptions options)
    {
        var spec = launch.Spec;
        for (var i = 0; i < spec.FilesOrEmpty.Count; i++)
            yield return ReadOnlyBind(TaskFileMounts.FileSource(options, node.Id, launch, i), spec.FilesOrEmpty[i].Target);
        for (var i = 0; i < spec.SecretsOrEmpty.Count; i++)
            yield return ReadOnlyBind(TaskFileMounts.SecretSource(options, node.Id, launch, i), spec.SecretsOrEmpty[i].TargetOrDefault);
    }

    private static DockerMount ReadOnlyBind(string source, string target) =>
        new() { Type = "bind", Source = source, Target = target, ReadOnly = true };

    /// <summary>The engine's mounts for the task's <c>mounts[]</c>; a named volume keeps the engine name of its slot.</summary>
    public static List<DockerMount> Mounts(ContainerLaunch launch, AgentOptions options) =>
        launch.Spec.MountsOrEmpty.Select(mount => mount.Type switch
        {
            Domain.Tasks.Mount.VolumeType => new DockerMount
            {
                Type = "volume",
                Source = Domain.Tasks.Mount.VolumeName(mount.Source!, launch.Job, launch.Slot),
                Target = mount.Target,
                ReadOnly = mount.ReadOnly,
            },
            Domain.Tasks.Mount.HostType => new DockerMount
            {
                Type = "bind",
                Source = HostPath(mount, options),
                Target = mount.Target,
                ReadOnly = mount.ReadOnly,
            },
            Domain.Tasks.Mount.TmpfsType => new DockerMount
            {
                Type = "tmpfs",
                Target = mount.Target,
                ReadOnly = mount.ReadOnly,
                TmpfsOptions = new TmpfsOptions { SizeBytes = (mount.SizeMb ?? 0) * MiB },
            },
            _ => throw new ContainerStartException($"mount type '{mount.Type}' is not known to this agent"),
        }).ToList();

    private static string HostPath(Domain.Tasks.Mount mount, AgentOptions options)
    {
        if (!options.HostVolumes.TryGetValue(mount.Source ?? "", out var offered))
            throw new ContainerStartException($"host volume '{mount.Source}' is not offered by this node (Agent:HostVolumes)");
        if (offered.ReadOnly && !mount.ReadOnly)
            throw new ContainerStartException($"host volume '{mount.Source}' is read-only on this node; mount it with readOnly: true");
        return offered.Path;
    }

    /// <summary>
    /// User-level hardening: no-new-privileges unless both the task and the node's operator turn it off, capabilities,
    /// read-only root, init, shm and ulimits. Privileged mode is never set.
    /// </summary>
    private static void ApplySecurity(HostConfig hostConfig, TaskSpec spec, AgentOptions options)
    {
        if (!spec.NoNewPrivilegesOrDefault && !options.AllowPrivilegeEscalation)
            throw new ContainerStartException(
                "the task turns off noNewPrivileges, which this node does not allow (Agent:AllowPrivilegeEscalation)");
        if (spec.NoNewPrivilegesOrDefault)
            hostConfig.SecurityOpt = ["no-new-privileges"];
        hostConfig.CapAdd = spec.CapAdd?.Select(ContainerOptionsValidator.Normalize).ToList();
        hostConfig.CapDrop = spec.CapDrop?.Select(ContainerOptionsValidator.Normalize).ToList();
        hostConfig.ReadonlyRootfs = spec.ReadOnlyRootFilesystem ?? false;
        hostConfig.Init = spec.Init;
        if (spec.ShmSizeMb is { } shm)
            hostConfig.ShmSize = shm * MiB;
        hostConfig.Ulimits = spec.Ulimits?
            .Select(limit => new DockerUlimit { Name = limit.Name, Soft = limit.Soft ?? 0, Hard = limit.HardOrSoft })
            .ToList();
    }

    /// <summary>json-file with rotation, so a chatty container cannot fill the node's disk; the logs API reads every file.</summary>
    private static LogConfig LogRotation(LogSettings logs) => new()
    {
        Type = "json-file",
        Config = new Dictionary<string, string>
        {
            ["max-size"] = $"{logs.MaxSizeMbOrDefault}m",
            ["max-file"] = logs.MaxFilesOrDefault.ToString(),
        },
    };

    private static string PortKey(PortMapping port) => $"{port.ContainerPort}/{port.Protocol}";
}
