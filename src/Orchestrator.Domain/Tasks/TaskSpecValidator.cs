using System.Text.RegularExpressions;

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

    public static IReadOnlyDictionary<string, string[]> Validate(TaskSpec spec)
    {
        var errors = new ValidationErrors();
        ValidateName(spec.Name, errors);
        ValidateImage(spec.Image, errors);
        ValidateCommand(spec.Command, errors);
        ValidateEnv(spec.Env, errors);
        ValidateResources(spec.Resources, errors);
        ValidatePorts(spec.Ports, errors);
        return errors.ToDictionary();
    }

    private static void ValidateName(string name, ValidationErrors errors)
    {
        if (string.IsNullOrWhiteSpace(name))
            errors.Add("name", "The name is required.");
        else if (name.Length > MaxNameLength || !NamePattern().IsMatch(name))
            errors.Add("name", $"The name must be 1 to {MaxNameLength} letters, digits, '.', '_' or '-', starting with a letter or digit.");
    }

    private static void ValidateImage(string image, ValidationErrors errors)
    {
        if (string.IsNullOrWhiteSpace(image))
            errors.Add("image", "The image is required.");
        else if (image.Length > MaxImageLength || !ImagePattern().IsMatch(image))
            errors.Add("image", "The image must be a valid reference such as 'busybox', 'library/nginx:1.27' or 'registry:5000/team/app@sha256:...'.");
    }

    private static void ValidateCommand(IReadOnlyList<string>? command, ValidationErrors errors)
    {
        if (command is null) return;
        if (command.Count > MaxCommandArguments)
            errors.Add("command", $"The command may have at most {MaxCommandArguments} arguments.");
        for (var i = 0; i < command.Count; i++)
        {
            if (command[i] is null)
                errors.Add($"command[{i}]", "An argument may not be null.");
            else if (command[i].Length > MaxArgumentLength)
                errors.Add($"command[{i}]", $"An argument may be at most {MaxArgumentLength} characters.");
        }
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
                errors.Add($"ports[{i}].hostPort", "hostPort must be between 0 (the engine picks one) and 65535.");
            else if (port.HostPort > 0 && protocolIsValid && !hostPorts.Add((port.HostPort, port.Protocol)))
                errors.Add($"ports[{i}].hostPort", $"Host port {port.HostPort}/{port.Protocol} is listed twice.");
        }
    }

    [GeneratedRegex("^[A-Za-z0-9][A-Za-z0-9_.-]*$")]
    private static partial Regex NamePattern();

    // Docker's reference grammar, simplified: [domain[:port]/]path[/path...][:tag][@sha256:digest], where a
    // first segment is a domain only if it has a '.' or a port, or is localhost; paths are lower case.
    [GeneratedRegex(@"^(?:(?:(?:localhost|[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+)(?::[0-9]+)?|[A-Za-z0-9-]+:[0-9]+)/)?[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*(?:/[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*)*(?::[A-Za-z0-9_][A-Za-z0-9_.-]{0,127})?(?:@sha256:[a-f0-9]{64})?$")]
    private static partial Regex ImagePattern();

    [GeneratedRegex("^[A-Za-z_][A-Za-z0-9_]*$")]
    private static partial Regex EnvKeyPattern();

    private sealed class ValidationErrors
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
