using System.Text.Json.Serialization;
using Orchestrator.Domain.Capacity;
using Orchestrator.Domain.Scheduling;
using Orchestrator.Domain.Services;

namespace Orchestrator.Domain.Tasks;

/// <summary>
/// What a user asks to run: the body of <c>POST /api/tasks</c>. Only <see cref="Name"/> and <see cref="Image"/>
/// are required; everything else has a default. Unknown fields are refused rather than silently ignored.
/// </summary>
[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Disallow)]
public sealed record TaskSpec
{
    public string Name { get; init; } = "";

    public string Image { get; init; } = "";

    /// <summary>Replaces the image's CMD when given.</summary>
    public IReadOnlyList<string>? Command { get; init; }

    public IReadOnlyDictionary<string, string>? Env { get; init; }

    public ResourceRequest? Resources { get; init; }

    public IReadOnlyList<PortMapping>? Ports { get; init; }

    /// <summary>Replaces the image's ENTRYPOINT when given.</summary>
    public IReadOnlyList<string>? Entrypoint { get; init; }

    /// <summary>An absolute path inside the container.</summary>
    public string? WorkingDir { get; init; }

    /// <summary>Container labels of the user's own; the <c>orchestrator.</c> prefix is reserved.</summary>
    public IReadOnlyDictionary<string, string>? Labels { get; init; }

    public RestartPolicy? RestartPolicy { get; init; }

    public HealthCheck? HealthCheck { get; init; }

    /// <summary>Node labels the task requires, e.g. disk=ssd.</summary>
    public IReadOnlyList<PlacementConstraint>? Constraints { get; init; }

    /// <summary>The datacenters the task may be placed in (<c>Agent:Datacenter</c> of a node); any when unset or empty.</summary>
    public IReadOnlyList<string>? Datacenters { get; init; }

    /// <summary>Pins the task to one node.</summary>
    public Guid? NodeId { get; init; }

    /// <summary>Seconds between SIGTERM and SIGKILL when the task is stopped.</summary>
    public int? StopTimeoutSeconds { get; init; }

    public const int DefaultStopTimeoutSeconds = 10;

    /// <summary>Volumes, host volumes and tmpfs mounted into the container.</summary>
    public IReadOnlyList<Mount>? Mounts { get; init; }

    /// <summary>The user (and group) the container's processes run as: <c>name</c>, <c>uid</c> or <c>uid:gid</c>; the image's when unset.</summary>
    public string? User { get; init; }

    /// <summary>Mounts the container's root filesystem read-only; writes go to volumes or tmpfs. Off by default.</summary>
    public bool? ReadOnlyRootFilesystem { get; init; }

    /// <summary>Linux capabilities added to, and dropped from, the engine's default set (<c>NET_ADMIN</c>, <c>ALL</c> to drop all).</summary>
    public IReadOnlyList<string>? CapAdd { get; init; }

    public IReadOnlyList<string>? CapDrop { get; init; }

    /// <summary>The size of <c>/dev/shm</c>; the engine's 64 MiB when unset.</summary>
    public long? ShmSizeMb { get; init; }

    public IReadOnlyList<Ulimit>? Ulimits { get; init; }

    /// <summary>The signal that asks the container to stop (<c>SIGTERM</c> when unset, or the image's).</summary>
    public string? StopSignal { get; init; }

    /// <summary>Runs a tiny init as PID 1 that forwards signals and reaps children, so a shell or <c>sleep</c> stops on SIGTERM.</summary>
    public bool? Init { get; init; }

    /// <summary>
    /// Keeps the container's processes from gaining privileges (setuid binaries). On unless the task sets it to false
    /// and the node's operator allows that (<c>Agent:AllowPrivilegeEscalation</c>).
    /// </summary>
    public bool? NoNewPrivileges { get; init; }

    /// <summary>The rotation of the container's log files.</summary>
    public LogSettings? Logs { get; init; }

    /// <summary>Configuration files written for the container, read-only at their targets.</summary>
    public IReadOnlyList<TaskFile>? Files { get; init; }

    /// <summary>Secrets mounted as files from memory; the spec names them, their values are never in it.</summary>
    public IReadOnlyList<SecretFile>? Secrets { get; init; }

    /// <summary>
    /// Variables whose values are secrets, by name: <c>{"DB_PASSWORD": "db-password"}</c>. The engine keeps such a value
    /// in the container's configuration on its node, so files (<see cref="Secrets"/>) are the safer way.
    /// </summary>
    public IReadOnlyDictionary<string, string>? SecretEnv { get; init; }

    /// <summary><c>IfNotPresent</c>, <c>Always</c> or <c>Never</c>; by the image's tag when unset (<see cref="Tasks.ImagePullPolicy.For"/>).</summary>
    public string? ImagePullPolicy { get; init; }

    /// <summary>The services the task offers at its container ports, listed in the catalog while it passes.</summary>
    public IReadOnlyList<ServiceSpec>? Services { get; init; }

    /// <summary>
    /// Seconds between the task leaving the catalog (and the gateway) and its stop signal, so that callers stop
    /// sending to it first: <see cref="DefaultShutdownDelaySeconds"/> when it offers a service, else none.
    /// </summary>
    public int? ShutdownDelaySeconds { get; init; }

    public const int DefaultShutdownDelaySeconds = 5;

    /// <summary>
    /// Services the task calls, by name: it is started with the addresses of their passing instances in
    /// <c>ORCHESTRATOR_SERVICE_&lt;NAME&gt;</c> (<see cref="ServiceSpecValidator.AddressVariable"/>).
    /// </summary>
    public IReadOnlyList<string>? Upstreams { get; init; }

    [JsonIgnore]
    public IReadOnlyList<string> UpstreamsOrEmpty => Upstreams ?? [];

    /// <summary>The spec as placement sees it while its volumes hold it to <paramref name="volumeNode"/>: pinned there.</summary>
    public TaskSpec HeldTo(Guid? volumeNode) => volumeNode is { } node ? this with { NodeId = node } : this;

    [JsonIgnore]
    public IReadOnlyList<ServiceSpec> ServicesOrEmpty => Services ?? [];

    [JsonIgnore]
    public TimeSpan ShutdownDelay => TimeSpan.FromSeconds(ShutdownDelaySeconds ?? (ServicesOrEmpty.Count > 0 ? DefaultShutdownDelaySeconds : 0));

    [JsonIgnore]
    public IReadOnlyList<Mount> MountsOrEmpty => Mounts ?? [];

    [JsonIgnore]
    public IReadOnlyList<TaskFile> FilesOrEmpty => Files ?? [];

    [JsonIgnore]
    public IReadOnlyList<SecretFile> SecretsOrEmpty => Secrets ?? [];

    /// <summary>Every secret the task uses, as a file or a variable, each once.</summary>
    [JsonIgnore]
    public IReadOnlySet<string> SecretNames =>
        SecretsOrEmpty.Select(secret => secret.Name).Concat(SecretEnv?.Values ?? []).ToHashSet(StringComparer.Ordinal);

    [JsonIgnore]
    public string ImagePullPolicyOrDefault => Tasks.ImagePullPolicy.For(Image, ImagePullPolicy);

    /// <summary>The mounts of host volumes the node must offer.</summary>
    [JsonIgnore]
    public IEnumerable<Mount> HostMounts => MountsOrEmpty.Where(mount => mount.IsHost);

    [JsonIgnore]
    public bool NoNewPrivilegesOrDefault => NoNewPrivileges ?? true;

    [JsonIgnore]
    public LogSettings LogsOrDefault => Logs ?? new LogSettings();

    /// <summary>Whether the task keeps data in named volumes on its node, which ties a job's slot to that node.</summary>
    [JsonIgnore]
    public bool HasVolumes => MountsOrEmpty.Any(m => m.IsVolume);

    [JsonIgnore]
    public RestartPolicy RestartPolicyOrDefault => RestartPolicy ?? Tasks.RestartPolicy.Default;

    [JsonIgnore]
    public TimeSpan StopTimeout => TimeSpan.FromSeconds(StopTimeoutSeconds ?? DefaultStopTimeoutSeconds);

    /// <summary>The resources this task reserves on its node, with defaults filled in.</summary>
    [JsonIgnore]
    public Capacity.Resources Requested => (Resources ?? new ResourceRequest()).ToResources();

    [JsonIgnore]
    public IReadOnlyList<PortMapping> PortsOrEmpty => Ports ?? [];

    /// <summary>The host ports this task claims on its node; a mapping without one takes a free port the node picks.</summary>
    [JsonIgnore]
    public IEnumerable<HostPort> FixedHostPorts => PortsOrEmpty.Where(p => p.HostPort > 0).Select(p => HostPort.Of(p.HostPort, p.Protocol));
}

/// <summary>The <c>resources</c> block of a spec: each omitted value takes its default.</summary>
[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Disallow)]
public sealed record ResourceRequest
{
    public decimal? Cpu { get; init; }
    public long? MemoryMb { get; init; }
    public long? DiskMb { get; init; }

    public Capacity.Resources ToResources() => new(
        Cpu ?? Capacity.Resources.DefaultRequest.Cpu,
        MemoryMb ?? Capacity.Resources.DefaultRequest.MemoryMb,
        DiskMb ?? Capacity.Resources.DefaultRequest.DiskMb);
}
