using System.Globalization;

namespace Orchestrator.WorkerAgent.Runtime;

/// <summary>The labels that tie a container to its task and node: how an agent finds, and re-adopts, its own.</summary>
public static class ContainerLabels
{
    public const string TaskId = "orchestrator.task-id";
    public const string TaskName = "orchestrator.task-name";
    public const string NodeId = "orchestrator.node-id";
    public const string Attempt = "orchestrator.attempt";

    public static Dictionary<string, string> For(Guid taskId, string taskName, Guid nodeId, int attempt) => new()
    {
        [TaskId] = taskId.ToString(),
        [TaskName] = taskName,
        [NodeId] = nodeId.ToString(),
        [Attempt] = attempt.ToString(CultureInfo.InvariantCulture),
    };

    public static bool TryRead(IDictionary<string, string>? labels, out Guid taskId, out int attempt)
    {
        taskId = Guid.Empty;
        attempt = 0;
        return labels is not null
            && labels.TryGetValue(TaskId, out var id) && Guid.TryParse(id, out taskId)
            && labels.TryGetValue(Attempt, out var number) && int.TryParse(number, CultureInfo.InvariantCulture, out attempt);
    }
}
