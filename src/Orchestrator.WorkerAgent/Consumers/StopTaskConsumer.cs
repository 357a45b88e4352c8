using MassTransit;
using Microsoft.Extensions.Options;
using Orchestrator.Contracts;
using Orchestrator.WorkerAgent.Runtime;

namespace Orchestrator.WorkerAgent.Consumers;

/// <summary>
/// Stops (SIGTERM, then SIGKILL after the grace period) and removes the attempt's container, then reports
/// the exit. With no container left, it still reports, so a stop of a task that never started completes.
/// </summary>
public sealed class StopTaskConsumer(IContainerRuntime runtime, IOptions<AgentOptions> options) : IConsumer<StopTask>
{
    public async Task Consume(ConsumeContext<StopTask> context)
    {
        var command = context.Message;
        var exit = await runtime.StopAsync(command.TaskId, command.Attempt, options.Value.StopTimeout, context.CancellationToken);
        await context.Publish(new TaskExited(
            command.TaskId, command.NodeId, command.Attempt, exit?.ContainerId, exit?.ExitCode, exit?.OomKilled ?? false, null,
            exit?.FinishedAt ?? DateTimeOffset.UtcNow));
    }
}
