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
/// The task's shutdown delay comes before the stop signal: the container keeps serving the requests already sent to it
/// while the gateway and other callers learn that it has left the catalog.
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
            if (command.ShutdownDelaySeconds > 0)
                await Task.Delay(TimeSpan.FromSeconds(command.ShutdownDelaySeconds), context.CancellationToken);
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
