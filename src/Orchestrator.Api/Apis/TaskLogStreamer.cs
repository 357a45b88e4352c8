using System.Text;
using MassTransit;
using Orchestrator.Api.Extensions;
using Orchestrator.Contracts;
using Orchestrator.Domain.Tasks;
using Orchestrator.StateStore.Persistence;
using Orchestrator.StateStore.Persistence.Queries;

namespace Orchestrator.Api.Apis;

/// <summary>
/// Fetches a task's output from the agent of its node, over the bus to the agent's own queue, in chunks of at most
/// <see cref="TaskLogs.MaxChunkBytes"/>, each asked for from the last line of the one before. A follow asks again
/// every second once it has caught up, until the task ends or the client leaves. When the container is gone,
/// the end of its output that StateStore kept from its exit stands in (<see cref="KeptTailAsync"/>).
/// </summary>
public sealed class TaskLogStreamer(IBus bus, [FromKeyedServices(StoreReads.Key)] OrchestratorDbContext store)
{
    /// <summary>The header that marks an answer as only the kept end of the output, not the container's whole log.</summary>
    public const string KeptTailHeader = "X-Orchestrator-Logs";

    /// <summary>
    /// The end of the task's output kept from its latest exit, at most its last <paramref name="tail"/> lines, after a
    /// line that says it is only that; null when no exit kept any.
    /// </summary>
    public async Task<string?> KeptTailAsync(Guid taskId, string why, int? tail, CancellationToken cancellationToken)
    {
        var kept = await store.OutputTailAsync(taskId, cancellationToken);
        if (kept.Text is null)
            return null;
        var text = kept.Text;
        if (tail is { } lines)
        {
            var all = text.TrimEnd('\n').Split('\n');
            text = string.Join('\n', all.TakeLast(lines)) + (lines > 0 && all.Length > 0 ? "\n" : "");
        }
        var size = kept.Cut ? $"the last {TaskOutputTail.MaxBytes / 1024} KiB" : "all";
        return $"[orchestrator] {why}; this is {size} of its output, kept when it exited at {kept.At:u}:\n{text}";
    }

    private static readonly TimeSpan FollowInterval = TimeSpan.FromSeconds(1);

    /// <summary>The first chunk of the task's output on its node: at most a chunk, and at most <paramref name="limitBytes"/>.</summary>
    public Task<TaskLogs> FetchFirstAsync(Guid nodeId, Guid taskId, int? tail, long? limitBytes, CancellationToken cancellationToken) =>
        FetchAsync(nodeId, taskId, tail, since: null, ChunkSize(limitBytes, written: 0), cancellationToken);

    private async Task<TaskLogs> FetchAsync(Guid nodeId, Guid taskId, int? tail, DateTimeOffset? since, int chunkBytes, CancellationToken cancellationToken)
    {
        var request = new GetTaskLogs(taskId, tail, since, chunkBytes);
        var response = await bus.AgentRequestClient<GetTaskLogs>(nodeId).GetResponse<TaskLogs>(request, cancellationToken);
        return response.Message;
    }

    private static int ChunkSize(long? limitBytes, long written) =>
        (int)Math.Min(TaskLogs.MaxChunkBytes, (limitBytes ?? long.MaxValue) - written);

    /// <summary>
    /// Writes the output from <paramref name="first"/> on, a chunk at a time, until it is all written (or, following,
    /// until the task ends or the client leaves), or <paramref name="limitBytes"/> are.
    /// </summary>
    public async Task CopyAsync(Stream output, TaskDetails task, TaskLogs first, long? limitBytes, bool follow, CancellationToken cancellationToken)
    {
        var logs = first;
        long written = 0;
        try
        {
            while (true)
            {
                if (logs.Text.Length > 0)
                {
                    var bytes = Encoding.UTF8.GetBytes(logs.Text);
                    await output.WriteAsync(bytes, cancellationToken);
                    await output.FlushAsync(cancellationToken);
                    written += bytes.Length;
                }
                // A line longer than a chunk came back cut; what follows starts a line of its own.
                if ((limitBytes is null || written < limitBytes) && logs.More && logs.Text.Length > 0 && !logs.Text.EndsWith('\n'))
                {
                    await output.WriteAsync("\n"u8.ToArray(), cancellationToken);
                    written++;
                }
                if (written >= limitBytes)
                    return;
                if (!logs.More)
                {
                    if (!follow || (!logs.Running && await HasEndedAsync(task.Id, cancellationToken)))
                        return;
                    await Task.Delay(FollowInterval, cancellationToken);
                }
                logs = await FetchAsync(task.NodeId!.Value, task.Id, tail: null, logs.LastTimestamp, ChunkSize(limitBytes, written), cancellationToken);
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // The client left.
        }
    }

    private async Task<bool> HasEndedAsync(Guid taskId, CancellationToken cancellationToken)
    {
        var task = await store.FindTaskAsync(taskId, cancellationToken);
        return task is null || TaskStateMachine.IsTerminal(task.State);
    }
}
