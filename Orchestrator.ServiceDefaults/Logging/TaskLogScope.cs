using Microsoft.Extensions.Logging;

namespace Microsoft.Extensions.Hosting;

/// <summary>
/// The scope that ties a log line to a task and a node: its values become attributes of every log record
/// written inside it (OpenTelemetry's IncludeScopes), so the dashboard's structured log view filters by
/// <c>TaskId</c> or <c>NodeId</c>.
/// </summary>
public static class TaskLogScope
{
    public const string TaskId = "TaskId";
    public const string NodeId = "NodeId";

    /// <summary>Begins the scope with whichever ids are known; null when neither is.</summary>
    public static IDisposable? Begin(ILogger logger, Guid? taskId, Guid? nodeId)
    {
        if (taskId is null && nodeId is null)
            return null;
        var values = new Dictionary<string, object>(2);
        if (taskId is { } task)
            values[TaskId] = task;
        if (nodeId is { } node)
            values[NodeId] = node;
        return logger.BeginScope(values);
    }
}
