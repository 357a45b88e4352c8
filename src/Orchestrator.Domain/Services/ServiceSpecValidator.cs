using System.Text.RegularExpressions;
using Orchestrator.Domain.Tasks;

namespace Orchestrator.Domain.Services;

/// <summary>Checks a task's <c>services</c> and <c>shutdownDelaySeconds</c>; errors are keyed by the field's path.</summary>
public static partial class ServiceSpecValidator
{
    public const int MaxServices = 16;
    public const int MaxTags = 16;
    public const int MaxTagLength = 63;
    public const int MaxHostLength = 253;
    public const int MaxShutdownDelaySeconds = 300;

    internal static void Validate(TaskSpec spec, TaskSpecValidator.ValidationErrors errors)
    {
        if (spec.ShutdownDelaySeconds is < 0 or > MaxShutdownDelaySeconds)
            errors.Add("shutdownDelaySeconds", $"shutdownDelaySeconds must be between 0 and {MaxShutdownDelaySeconds}.");
        ValidateUpstreams(spec.Upstreams, errors);
        if (spec.Services is not { } services)
            return;
        if (services.Count > MaxServices)
            errors.Add("services", $"At most {MaxServices} services are allowed.");
        var containerPorts = spec.PortsOrEmpty.Where(p => p?.Protocol == "tcp").Select(p => p.ContainerPort).ToHashSet();
        var names = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < services.Count; i++)
        {
            var field = $"services[{i}]";
            if (services[i] is not { } service)
            {
                errors.Add(field, "A service may not be null.");
                continue;
            }
            if (!IsDnsLabel(service.Name))
                errors.Add($"{field}.name", "name must be a DNS label: 1 to 63 lowercase letters, digits or '-', starting with a letter and not ending with '-'.");
            else if (!names.Add(service.Name))
                errors.Add($"{field}.name", $"The service {service.Name} is declared twice.");
            if (!containerPorts.Contains(service.Port))
                errors.Add($"{field}.port", containerPorts.Count == 0
                    ? "port must be one of the task's container ports, and the task publishes none (add it to ports)."
                    : $"port must be one of the task's tcp container ports: {string.Join(", ", containerPorts.Order())}.");
            ValidateTags(field, service.Tags, errors);
            if (service.Route is { } route)
                ValidateRoute($"{field}.route", route, errors);
        }
    }

    private static void ValidateUpstreams(IReadOnlyList<string>? upstreams, TaskSpecValidator.ValidationErrors errors)
    {
        if (upstreams is null) return;
        if (upstreams.Count > MaxServices)
            errors.Add("upstreams", $"At most {MaxServices} upstreams are allowed.");
        var seen = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < upstreams.Count; i++)
        {
            if (!IsDnsLabel(upstreams[i]))
                errors.Add($"upstreams[{i}]", "An upstream is a service's name: a DNS label of lowercase letters, digits and '-'.");
            else if (!seen.Add(upstreams[i]))
                errors.Add($"upstreams[{i}]", $"The upstream {upstreams[i]} is listed twice.");
        }
    }

    /// <summary>The variable a task that calls <paramref name="service"/> finds its addresses in: <c>ORCHESTRATOR_SERVICE_WEB_API</c> for web-api.</summary>
    public static string AddressVariable(string service) => $"{TaskSpecValidator.ReservedEnvPrefix}SERVICE_{service.ToUpperInvariant().Replace('-', '_')}";

    private static void ValidateTags(string field, IReadOnlyList<string>? tags, TaskSpecValidator.ValidationErrors errors)
    {
        if (tags is null) return;
        if (tags.Count > MaxTags)
            errors.Add($"{field}.tags", $"At most {MaxTags} tags are allowed.");
        for (var i = 0; i < tags.Count; i++)
            if (tags[i] is not { } tag || tag.Length > MaxTagLength || !TaskSpecValidator.IsName(tag, MaxTagLength))
                errors.Add($"{field}.tags[{i}]", $"A tag is 1 to {MaxTagLength} letters, digits, '.', '_' or '-', starting with a letter or digit.");
    }

    private static void ValidateRoute(string field, ServiceRoute route, TaskSpecValidator.ValidationErrors errors)
    {
        if (!IsHostName(route.Host))
            errors.Add($"{field}.host", "host must be a host name such as web.example.com: DNS labels joined by '.', at most 253 characters.");
        if (route.PathPrefix is null || !route.PathPrefix.StartsWith('/'))
            errors.Add($"{field}.pathPrefix", "pathPrefix must start with '/'.");
        else if (route.PathPrefix.Length > TaskSpecValidator.MaxPathLength || !PathPattern().IsMatch(route.PathPrefix) ||
            route.PathPrefix.Split('/').Any(segment => segment is "." or ".."))
            errors.Add($"{field}.pathPrefix", $"pathPrefix must be a plain path of at most {TaskSpecValidator.MaxPathLength} characters: letters, digits and -._~/ without '.' or '..' segments.");
    }

    /// <summary>1 to 63 lowercase letters, digits or '-', starting with a letter and not ending with '-' (RFC 1123, as Kubernetes names Services).</summary>
    public static bool IsDnsLabel(string? name) => name is { Length: > 0 and <= 63 } && DnsLabelPattern().IsMatch(name);

    /// <summary>DNS labels (letters of either case, digits, '-') joined by '.', at most 253 characters.</summary>
    public static bool IsHostName(string? host) =>
        host is { Length: > 0 and <= MaxHostLength } && host.Split('.').All(label => label.Length is > 0 and <= 63 && HostLabelPattern().IsMatch(label));

    [GeneratedRegex("^[a-z]([a-z0-9-]*[a-z0-9])?$")]
    private static partial Regex DnsLabelPattern();

    [GeneratedRegex("^[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?$")]
    private static partial Regex HostLabelPattern();

    [GeneratedRegex(@"^[A-Za-z0-9\-._~/]*$")]
    private static partial Regex PathPattern();
}
