using System.Text.RegularExpressions;
using Orchestrator.Domain.Nodes;
using Orchestrator.Domain.Scheduling;

namespace Orchestrator.Domain.Tasks;

/// <summary>
/// Checks a <see cref="TaskSpec"/> against the limits of the API. Errors are keyed by the field's path in the
/// request body (<c>resources.cpu</c>, <c>ports[1].hostPort</c>), as ProblemDetails expects.
/// </summary>
public static partial class TaskSpecValidator
{
    public const int MaxNameLength = 63;
    public const int MaxImageLength = 255;
    public const int MaxCommandArguments = 64;
    public const int MaxArgumentLength = 4096;
    public const int MaxEnvEntries = 128;
    public const int MaxEnvValueLength = 32 * 1024;
    public const int MaxPorts = 32;
    public const decimal MaxCpu = 256m;
    public const long MinMemoryMb = 6; // Docker refuses a memory limit under 6 MiB.
    public const long MaxMemoryMb = 1024L * 1024; // 1 TiB
    public const long MaxDiskMb = 16L * 1024 * 1024; // 16 TiB
    public const int MaxLabels = 64;
    public const int MaxConstraints = 16;
    public const int MaxLabelKeyLength = 128;
    public const int MaxLabelValueLength = 1024;
    public const string ReservedLabelPrefix = "orchestrator.";
    public const int MaxPathLength = 1024;
    public const int MaxRestarts = 100;
    public const int MaxSeconds = 3600;
    public const int MaxStopTimeoutSeconds = 300;
    public const int MaxMounts = 32;
    public const long MaxTmpfsMb = 64L * 1024;
    public const long MaxShmSizeMb = 64L * 1024;
    public const int MaxUserLength = 64;
    public const int MaxLogSizeMb = 1024;
    public const int MaxLogFiles = 100;

    /// <summary>The prefix of the variables that tell a task about itself (<c>ORCHESTRATOR_TASK_ID</c>, ...).</summary>
    public const string ReservedEnvPrefix = "ORCHESTRATOR_";

    public static IReadOnlyDictionary<string, string[]> Validate(TaskSpec spec)
    {
        var errors = new ValidationErrors();
        ValidateName(spec.Name, errors);
        ValidateImage(spec.Image, errors);
        ValidateArguments("command", spec.Command, errors);
        ValidateEnv(spec.Env, errors);
        ValidateResources(spec.Resources, errors);
        ValidatePorts(spec.Ports, errors);
        ValidateArguments("entrypoint", spec.Entrypoint, errors);
        ValidateWorkingDir(spec.WorkingDir, errors);
        ValidateLabels(spec.Labels, errors);
        ValidateRestartPolicy(spec.RestartPolicy, errors);
        ValidateHealthCheck(spec.HealthCheck, errors);
        ValidateConstraints(spec.Constraints, errors);
        foreach (var (field, message) in NodeDatacenter.Errors(spec.Datacenters))
            errors.Add(field, message);
        if (spec.StopTimeoutSeconds is < 0 or > MaxStopTimeoutSeconds)
            errors.Add("stopTimeoutSeconds", $"stopTimeoutSeconds must be between 0 and {MaxStopTimeoutSeconds}.");
        ValidateMounts(spec.Mounts, errors);
        ContainerOptionsValidator.Validate(spec, errors);
        FilesAndSecretsValidator.Validate(spec, errors);
        Services.ServiceSpecValidator.Validate(spec, errors);
        return errors.ToDictionary();
    }

    /// <summary>Letters, digits, '.', '_' and '-', starting with a letter or digit, at most <paramref name="maxLength"/>.</summary>
    public static bool IsName(string name, int maxLength = MaxNameLength) =>
        name.Length > 0 && name.Length <= maxLength && NamePattern().IsMatch(name);

    private static void ValidateName(string name, ValidationErrors errors)
    {
        if (string.IsNullOrWhiteSpace(name))
            errors.Add("name", "The name is required.");
        else if (!IsName(name))
            errors.Add("name", $"The name must be 1 to {MaxNameLength} letters, digits, '.', '_' or '-', starting with a letter or digit.");
    }

    private static void ValidateImage(string image, ValidationErrors errors)
    {
        if (string.IsNullOrWhiteSpace(image))
            errors.Add("image", "The image is required.");
        else if (image.Length > MaxImageLength || !ImageReference.TryParse(image, out _))
            errors.Add("image", "The image must be a valid reference such as 'busybox', 'library/nginx:1.27' or 'registry:5000/team/app@sha256:...'.");
    }

    private static void ValidateArguments(string field, IReadOnlyList<string>? arguments, ValidationErrors errors)
    {
        if (arguments is null) return;
        if (arguments.Count > MaxCommandArguments)
            errors.Add(field, $"{field} may have at most {MaxCommandArguments} arguments.");
        for (var i = 0; i < arguments.Count; i++)
        {
            if (arguments[i] is null)
                errors.Add($"{field}[{i}]", "An argument may not be null.");
            else if (arguments[i].Length > MaxArgumentLength)
                errors.Add($"{field}[{i}]", $"An argument may be at most {MaxArgumentLength} characters.");
        }
    }

    private static void ValidateWorkingDir(string? workingDir, ValidationErrors errors)
    {
        if (workingDir is not null && (!workingDir.StartsWith('/') || workingDir.Length > MaxPathLength))
            errors.Add("workingDir", $"workingDir must be an absolute path of at most {MaxPathLength} characters.");
    }

    private static void ValidateLabels(IReadOnlyDictionary<string, string>? labels, ValidationErrors errors)
    {
        if (labels is null) return;
        if (labels.Count > MaxLabels)
            errors.Add("labels", $"At most {MaxLabels} labels are allowed.");
        foreach (var (key, value) in labels)
        {
            if (key.Length > MaxLabelKeyLength || !LabelKeyPattern().IsMatch(key))
                errors.Add($"labels.{key}", $"A label key is 1 to {MaxLabelKeyLength} letters, digits, '.', '_', '-' or '/', starting with a letter or digit.");
            else if (key.StartsWith(ReservedLabelPrefix, StringComparison.OrdinalIgnoreCase))
                errors.Add($"labels.{key}", $"Labels starting with '{ReservedLabelPrefix}' are reserved for the orchestrator.");
            else if (value is null || value.Length > MaxLabelValueLength)
                errors.Add($"labels.{key}", $"A label value is a string of at most {MaxLabelValueLength} characters.");
        }
    }

    private static void ValidateRestartPolicy(RestartPolicy? policy, ValidationErrors errors)
    {
        if (policy is null) return;
        if (!Enum.IsDefined(policy.Mode))
            errors.Add("restartPolicy.mode", "mode must be Never, OnFailure or Always.");
        if (policy.MaxRestarts is < 0 or > MaxRestarts)
            errors.Add("restartPolicy.maxRestarts", $"maxRestarts must be between 0 and {MaxRestarts}.");
        if (policy.BackoffSeconds is < 0 or > MaxSeconds)
            errors.Add("restartPolicy.backoffSeconds", $"backoffSeconds must be between 0 and {MaxSeconds}.");
        if (policy.MaxBackoffSeconds < policy.BackoffSeconds || policy.MaxBackoffSeconds > MaxSeconds)
            errors.Add("restartPolicy.maxBackoffSeconds", $"maxBackoffSeconds must be at least backoffSeconds and at most {MaxSeconds}.");
    }

    private static void ValidateConstraints(IReadOnlyList<PlacementConstraint>? constraints, ValidationErrors errors)
    {
        if (constraints is null) return;
        if (constraints.Count > MaxConstraints)
            errors.Add("constraints", $"At most {MaxConstraints} constraints are allowed.");
        for (var i = 0; i < constraints.Count; i++)
        {
            if (constraints[i] is not { } constraint)
                errors.Add($"constraints[{i}]", "A constraint may not be null.");
            else if (constraint.Label is null || constraint.Label.Length > MaxLabelKeyLength || !LabelKeyPattern().IsMatch(constraint.Label))
                errors.Add($"constraints[{i}].label", "label must name a node label: letters, digits, '.', '_', '-' or '/'.");
            else if (constraint.EqualTo is null || constraint.EqualTo.Length > MaxLabelValueLength)
                errors.Add($"constraints[{i}].equals", $"equals must be a string of at most {MaxLabelValueLength} characters.");
        }
    }

    private static void ValidateHealthCheck(HealthCheck? check, ValidationErrors errors)
    {
        if (check is null) return;
        if (!Enum.IsDefined(check.Type))
            errors.Add("healthCheck.type", "type must be http or tcp.");
        if (check.Port is < 1 or > 65535)
            errors.Add("healthCheck.port", "port must be the container port to probe, between 1 and 65535.");
        if (check.Type == HealthCheckType.Http && (check.Path is null || !check.Path.StartsWith('/') || check.Path.Length > MaxPathLength))
            errors.Add("healthCheck.path", $"path must start with '/' and be at most {MaxPathLength} characters.");
        if (check.IntervalSeconds is < 1 or > MaxSeconds)
            errors.Add("healthCheck.intervalSeconds", $"intervalSeconds must be between 1 and {MaxSeconds}.");
        if (check.TimeoutSeconds < 1 || check.TimeoutSeconds > check.IntervalSeconds)
            errors.Add("healthCheck.timeoutSeconds", "timeoutSeconds must be at least 1 and at most intervalSeconds.");
        if (check.FailureThreshold is < 1 or > 100)
            errors.Add("healthCheck.failureThreshold", "failureThreshold must be between 1 and 100.");
        if (check.GracePeriodSeconds is < 0 or > MaxSeconds)
            errors.Add("healthCheck.gracePeriodSeconds", $"gracePeriodSeconds must be between 0 and {MaxSeconds}.");
    }

    private static void ValidateEnv(IReadOnlyDictionary<string, string>? env, ValidationErrors errors)
    {
        if (env is null) return;
        if (env.Count > MaxEnvEntries)
            errors.Add("env", $"At most {MaxEnvEntries} environment variables are allowed.");
        foreach (var (key, value) in env)
        {
            if (!EnvKeyPattern().IsMatch(key))
                errors.Add($"env.{key}", "A variable name must start with a letter or '_' and hold only letters, digits and '_'.");
            else if (key.StartsWith(ReservedEnvPrefix, StringComparison.OrdinalIgnoreCase))
                errors.Add($"env.{key}", $"Variables starting with '{ReservedEnvPrefix}' are set by the orchestrator.");
            else if (value is null)
                errors.Add($"env.{key}", "A variable's value may not be null.");
            else if (value.Length > MaxEnvValueLength)
                errors.Add($"env.{key}", $"A variable's value may be at most {MaxEnvValueLength} characters.");
        }
    }

    private static void ValidateResources(ResourceRequest? resources, ValidationErrors errors)
    {
        if (resources is null) return;
        if (resources.Cpu is { } cpu && (cpu <= 0 || cpu > MaxCpu))
            errors.Add("resources.cpu", $"cpu must be more than 0 and at most {MaxCpu} cores.");
        if (resources.MemoryMb is { } memory && (memory < MinMemoryMb || memory > MaxMemoryMb))
            errors.Add("resources.memoryMb", $"memoryMb must be between {MinMemoryMb} and {MaxMemoryMb} MiB.");
        if (resources.DiskMb is { } disk && (disk < 0 || disk > MaxDiskMb))
            errors.Add("resources.diskMb", $"diskMb must be between 0 and {MaxDiskMb} MiB.");
    }

    private static void ValidatePorts(IReadOnlyList<PortMapping>? ports, ValidationErrors errors)
    {
        if (ports is null) return;
        if (ports.Count > MaxPorts)
            errors.Add("ports", $"At most {MaxPorts} ports are allowed.");
        var containerPorts = new HashSet<(int, string)>();
        var hostPorts = new HashSet<(int, string)>();
        for (var i = 0; i < ports.Count; i++)
        {
            var port = ports[i];
            if (port is null)
            {
                errors.Add($"ports[{i}]", "A port may not be null.");
                continue;
            }
            var protocolIsValid = port.Protocol is "tcp" or "udp";
            if (!protocolIsValid)
                errors.Add($"ports[{i}].protocol", "The protocol must be 'tcp' or 'udp'.");
            if (port.ContainerPort is < 1 or > 65535)
                errors.Add($"ports[{i}].containerPort", "containerPort must be between 1 and 65535.");
            else if (protocolIsValid && !containerPorts.Add((port.ContainerPort, port.Protocol)))
                errors.Add($"ports[{i}].containerPort", $"Container port {port.ContainerPort}/{port.Protocol} is listed twice.");
            if (port.HostPort is < 0 or > 65535)
                errors.Add($"ports[{i}].hostPort", "hostPort must be between 0 (the node picks a free one) and 65535.");
            else if (port.HostPort > 0 && protocolIsValid && !hostPorts.Add((port.HostPort, port.Protocol)))
                errors.Add($"ports[{i}].hostPort", $"Host port {port.HostPort}/{port.Protocol} is listed twice.");
        }
    }

    private static void ValidateMounts(IReadOnlyList<Mount>? mounts, ValidationErrors errors)
    {
        if (mounts is null) return;
        if (mounts.Count > MaxMounts)
            errors.Add("mounts", $"At most {MaxMounts} mounts are allowed.");
        var targets = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < mounts.Count; i++)
        {
            var field = $"mounts[{i}]";
            if (mounts[i] is not { } mount)
            {
                errors.Add(field, "A mount may not be null.");
                continue;
            }
            if (mount.Type is not (Mount.VolumeType or Mount.HostType or Mount.TmpfsType))
                errors.Add($"{field}.type", $"type must be '{Mount.VolumeType}', '{Mount.HostType}' or '{Mount.TmpfsType}'.");
            if (!IsAbsolutePath(mount.Target))
                errors.Add($"{field}.target", $"target must be an absolute path of at most {MaxPathLength} characters, without '.' or '..', and not '/'.");
            else if (!targets.Add(ComparableTarget(mount.Target)))
                errors.Add($"{field}.target", $"{mount.Target} is mounted twice.");
            if (mount.IsTmpfs)
            {
                if (mount.Source is not null)
                    errors.Add($"{field}.source", "A tmpfs mount has no source.");
                if (mount.SizeMb is not { } size)
                    errors.Add($"{field}.sizeMb", "A tmpfs mount needs sizeMb, its size limit.");
                else if (size < 1 || size > MaxTmpfsMb)
                    errors.Add($"{field}.sizeMb", $"sizeMb must be between 1 and {MaxTmpfsMb}.");
            }
            else if (mount.IsVolume || mount.IsHost)
            {
                if (mount.Source is null || !IsName(mount.Source))
                    errors.Add($"{field}.source", mount.IsHost
                        ? "source must name a host volume the node offers (letters, digits, '.', '_' or '-'); a host path cannot be mounted directly."
                        : $"source must be a volume name of 1 to {MaxNameLength} letters, digits, '.', '_' or '-', starting with a letter or digit.");
                if (mount.SizeMb is not null)
                    errors.Add($"{field}.sizeMb", "Only a tmpfs mount has a size.");
            }
        }
    }

    /// <summary>A target as the engine compares it: /data, /data/ and //data are one target.</summary>
    internal static string ComparableTarget(string target) => string.Join('/', target.Split('/', StringSplitOptions.RemoveEmptyEntries));

    /// <summary>
    /// Absolute, not the root, without '.' or '..' segments, and not absurdly long. A '.' segment is refused too, as
    /// "/." is the root to the engine and "/data/." another spelling of a target already mounted.
    /// </summary>
    public static bool IsAbsolutePath(string? path) =>
        path is not null
        && path.StartsWith('/')
        && path.Length <= MaxPathLength
        && path.TrimEnd('/').Length > 0
        && !path.Split('/').Any(segment => segment is "." or "..")
        && !path.Contains('\0');

    [GeneratedRegex(@"^[A-Za-z0-9][A-Za-z0-9_.-]*\z")]
    private static partial Regex NamePattern();

    [GeneratedRegex("^[A-Za-z0-9][A-Za-z0-9._/-]*$")]
    private static partial Regex LabelKeyPattern();

    [GeneratedRegex("^[A-Za-z_][A-Za-z0-9_]*$")]
    private static partial Regex EnvKeyPattern();

    internal static bool IsEnvName(string name) => EnvKeyPattern().IsMatch(name);

    internal sealed class ValidationErrors
    {
        private readonly Dictionary<string, List<string>> _errors = new(StringComparer.Ordinal);

        public void Add(string field, string message)
        {
            if (!_errors.TryGetValue(field, out var messages))
                _errors[field] = messages = [];
            messages.Add(message);
        }

        public IReadOnlyDictionary<string, string[]> ToDictionary() =>
            _errors.ToDictionary(pair => pair.Key, pair => pair.Value.ToArray(), StringComparer.Ordinal);
    }
}
