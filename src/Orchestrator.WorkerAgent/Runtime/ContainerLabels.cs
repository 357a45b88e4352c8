using System.Globalization;
using System.Text.Json;
using Orchestrator.Contracts;
using Orchestrator.Domain.Tasks;

namespace Orchestrator.WorkerAgent.Runtime;

/// <summary>
/// The labels that tie a container to its task and node: how an agent finds, and re-adopts, its own. The spec
/// rides along, so an adopted container keeps its restart policy and health check.
/// </summary>
public static class ContainerLabels
{
    public const string TaskId = "orchestrator.task-id";
    public const string TaskName = "orchestrator.task-name";
    public const string NodeId = "orchestrator.node-id";
    public const string Attempt = "orchestrator.attempt";
    public const string Spec = "orchestrator.spec";

    /// <summary>
    /// The host ports the container publishes (<c>20417/tcp,20418/udp</c>). The engine lists a container's ports only
    /// while it runs; this keeps a stopped one's, so a port is not handed to another task while this one waits to restart.
    /// </summary>
    public const string HostPorts = "orchestrator.host-ports";

    public static Dictionary<string, string> For(Guid taskId, TaskSpec spec, Guid nodeId, int attempt, IReadOnlyList<PortMapping> ports)
    {
        // The user's labels first, so that ours always win.
        var labels = new Dictionary<string, string>(spec.Labels ?? new Dictionary<string, string>())
        {
            [TaskId] = taskId.ToString(),
            [TaskName] = spec.Name,
            [NodeId] = nodeId.ToString(),
            [Attempt] = attempt.ToString(CultureInfo.InvariantCulture),
            [Spec] = JsonSerializer.Serialize(spec, ContractJson.Options),
        };
        var hostPorts = ports.Where(port => port.HostPort > 0).Select(port => HostPort.Of(port.HostPort, port.Protocol).ToString()).ToList();
        if (hostPorts.Count > 0)
            labels[HostPorts] = string.Join(',', hostPorts);
        return labels;
    }

    public static bool TryRead(IDictionary<string, string>? labels, out Guid taskId, out int attempt)
    {
        taskId = Guid.Empty;
        attempt = 0;
        return labels is not null
            && labels.TryGetValue(TaskId, out var id) && Guid.TryParse(id, out taskId)
            && labels.TryGetValue(Attempt, out var number) && int.TryParse(number, CultureInfo.InvariantCulture, out attempt);
    }

    /// <summary>The ports <see cref="HostPorts"/> names; none when the label is missing or unreadable.</summary>
    public static IEnumerable<HostPort> ReadHostPorts(IDictionary<string, string>? labels)
    {
        if (labels is null || !labels.TryGetValue(HostPorts, out var list))
            yield break;
        foreach (var entry in list.Split(',', StringSplitOptions.RemoveEmptyEntries))
        {
            var parts = entry.Split('/');
            if (parts.Length == 2 && int.TryParse(parts[0], CultureInfo.InvariantCulture, out var port))
                yield return HostPort.Of(port, parts[1]);
        }
    }

    public static TaskSpec? ReadSpec(IDictionary<string, string>? labels)
    {
        if (labels is null || !labels.TryGetValue(Spec, out var json))
            return null;
        try
        {
            return JsonSerializer.Deserialize<TaskSpec>(json, ContractJson.Options);
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
