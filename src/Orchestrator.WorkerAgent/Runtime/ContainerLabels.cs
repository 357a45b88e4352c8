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

    public static Dictionary<string, string> For(Guid taskId, TaskSpec spec, Guid nodeId, int attempt)
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
