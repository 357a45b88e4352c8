namespace Orchestrator.Contracts;

/// <summary>
/// An agent's reports about a task (<see cref="ITaskReport"/>) go to one of <see cref="Count"/> queues, chosen by the
/// task's id, and each queue is consumed by one StateStore at a time (RabbitMQ's single-active-consumer), which applies
/// each task's reports one at a time. So a task's start, restarts, health and exit are applied in the order the agent
/// sent them, however many StateStores run, while the reports of other tasks go on beside them. Agents and StateStore must
/// agree on the count, so it is part of the contract, not a setting.
/// </summary>
public static class TaskReportQueue
{
    public const int Count = 8;

    public static string Name(int partition) => $"task-reports-{partition}";

    /// <summary>The queue of <paramref name="taskId"/>'s reports.</summary>
    public static string For(Guid taskId) => Name(PartitionOf(taskId));

    /// <summary>
    /// FNV-1a over the id's bytes: the same on every host and in every process (<see cref="Guid.GetHashCode"/> is
    /// not promised to be), and spread evenly even over ids that differ only in a few bytes, as sequential ids do.
    /// </summary>
    public static int PartitionOf(Guid taskId)
    {
        Span<byte> bytes = stackalloc byte[16];
        taskId.TryWriteBytes(bytes);
        var hash = 2166136261u;
        foreach (var b in bytes)
            hash = (hash ^ b) * 16777619u;
        return (int)(hash % Count);
    }
}

/// <summary>An agent's report about one attempt of a task, which StateStore applies in order with the task's others.</summary>
public interface ITaskReport
{
    Guid TaskId { get; }

    Guid NodeId { get; }

    int Attempt { get; }
}
