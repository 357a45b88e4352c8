using MassTransit;
using Orchestrator.Contracts;
using Orchestrator.WorkerAgent.Reporting;
using Orchestrator.WorkerAgent.Runtime;
using Orchestrator.WorkerAgent.Supervision;

namespace Orchestrator.WorkerAgent.Consumers;

/// <summary>
/// Stops (SIGTERM, then SIGKILL after the task's grace period) and removes the attempt's container, then
/// reports the exit. With no container left, it still reports, so a stop of a task that never started completes. A stop
/// that arrives while the attempt is starting waits for that start to end, so it stops the container the start makes.
/// </summary>
public sealed class StopTaskConsumer(IContainerRuntime runtime, TaskSupervisor supervisor) : IConsumer<StopTask>
{
    public async Task Consume(ConsumeContext<StopTask> context)
    {
        var command = context.Message;
        if (!supervisor.TryMarkStopping(command.TaskId, command.Attempt))
            return; // the stop already under way reports the exit
        try
        {
            await supervisor.StartEndedAsync(command.TaskId, command.Attempt).WaitAsync(context.CancellationToken);
            var exit = await runtime.StopAsync(command.TaskId, command.Attempt, TimeSpan.FromSeconds(command.StopTimeoutSeconds), context.CancellationToken);
            await context.SendReport(new TaskExited(
                command.TaskId, command.NodeId, command.Attempt, exit?.ContainerId, exit?.ExitCode, exit?.OomKilled ?? false, null,
                exit?.FinishedAt ?? DateTimeOffset.UtcNow, OutputTail: exit?.Output?.Text, OutputTailCut: exit?.Output?.Cut ?? false));
        }
        finally
        {
            supervisor.FinishStopping(command.TaskId, command.Attempt);
        }
    }
}
