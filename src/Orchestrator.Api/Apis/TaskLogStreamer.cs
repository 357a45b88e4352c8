using System.Text;
using MassTransit;
using Orchestrator.Api.Extensions;
using Orchestrator.Contracts;
using Orchestrator.Domain.Tasks;

namespace Orchestrator.Api.Apis;

/// <summary>
/// Fetches a task's output from the agent of its node, over the bus to the agent's own queue. A follow asks
/// again every second from the last line seen, until the task ends or the client leaves. When the container is gone,
/// the end of its output that StateStore kept from its exit stands in (<see cref="KeptTailAsync"/>).
/// </summary>
public sealed class TaskLogStreamer(IBus bus, IRequestClient<GetTask> tasks, IRequestClient<GetTaskOutputTail> tails)
{
    /// <summary>The header that marks an answer as only the kept end of the output, not the container's whole log.</summary>
    public const string KeptTailHeader = "X-Orchestrator-Logs";

    /// <summary>
    /// The end of the task's output kept from its latest exit, at most its last <paramref name="tail"/> lines, after a
    /// line that says it is only that; null when no exit kept any.
    /// </summary>
    public async Task<string?> KeptTailAsync(Guid taskId, string why, int? tail, CancellationToken cancellationToken)
    {
        var kept = (await tails.GetResponse<TaskOutputTail>(new GetTaskOutputTail(taskId), cancellationToken)).Message;
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

    public async Task<TaskLogs> FetchAsync(Guid nodeId, Guid taskId, int? tail, DateTimeOffset? since, CancellationToken cancellationToken)
    {
        var response = await bus.AgentRequestClient<GetTaskLogs>(nodeId).GetResponse<TaskLogs>(new GetTaskLogs(taskId, tail, since), cancellationToken);
        return response.Message;
    }

    public async Task FollowAsync(Stream output, TaskDetails task, TaskLogs first, CancellationToken cancellationToken)
    {
        var logs = first;
        try
        {
            while (true)
            {
                if (logs.Text.Length > 0)
                {
                    await output.WriteAsync(Encoding.UTF8.GetBytes(logs.Text), cancellationToken);
                    await output.FlushAsync(cancellationToken);
                }
                if (!logs.Running && await HasEndedAsync(task.Id, cancellationToken))
                    return;
                await Task.Delay(FollowInterval, cancellationToken);
                logs = await FetchAsync(task.NodeId!.Value, task.Id, tail: null, logs.LastTimestamp, cancellationToken);
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // The client left.
        }
    }

    private async Task<bool> HasEndedAsync(Guid taskId, CancellationToken cancellationToken)
    {
        var response = await tasks.GetResponse<TaskDetails, TaskNotFound>(new GetTask(taskId), cancellationToken);
        return !response.Is(out Response<TaskDetails>? found) || TaskStateMachine.IsTerminal(found.Message.State);
    }
}
