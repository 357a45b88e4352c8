using MassTransit;
using Orchestrator.Contracts;
using Orchestrator.WorkerAgent.Runtime;

namespace Orchestrator.WorkerAgent.Consumers;

/// <summary>Answers the Api with a chunk of the output of the task's container on this node, never more than a chunk.</summary>
public sealed class GetTaskLogsConsumer(IContainerRuntime runtime) : IConsumer<GetTaskLogs>
{
    public async Task Consume(ConsumeContext<GetTaskLogs> context)
    {
        var request = context.Message;
        var limit = Math.Clamp(request.LimitBytes, 1, TaskLogs.MaxChunkBytes);
        var logs = await runtime.LogsAsync(request.TaskId, request.Tail, request.Since, limit, context.CancellationToken);
        await context.RespondAsync(new TaskLogs(logs.Found, logs.Text, logs.LastTimestamp, logs.Running, logs.More));
    }
}
