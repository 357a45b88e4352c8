using MassTransit;
using Orchestrator.Contracts;
using Orchestrator.WorkerAgent.Reporting;
using Orchestrator.WorkerAgent.Runtime;

namespace Orchestrator.WorkerAgent.Consumers;

/// <summary>
/// Runs the attempt's container, or finds the one already running, and reports it. Receiving the same
/// command twice never starts a second container.
/// </summary>
public sealed class StartTaskConsumer(IContainerRuntime runtime, ContainerWatcher watcher, ILogger<StartTaskConsumer> logger)
    : IConsumer<StartTask>
{
    public async Task Consume(ConsumeContext<StartTask> context)
    {
        var command = context.Message;
        using var scope = logger.BeginScope(new Dictionary<string, object> { ["TaskId"] = command.TaskId, ["NodeId"] = command.NodeId });
        ContainerStatus status;
        try
        {
            status = await runtime.StartAsync(command, context.CancellationToken);
        }
        catch (ContainerStartException error)
        {
            logger.LogWarning(error, "Task {TaskId} could not start: {Reason}", command.TaskId, error.Message);
            await context.Publish(new TaskExited(command.TaskId, command.NodeId, command.Attempt, null, null, false, error.Message, DateTimeOffset.UtcNow));
            return;
        }

        await context.Publish(new TaskStarted(command.TaskId, command.NodeId, command.Attempt, status.ContainerId, status.Ports, status.StartedAt));
        if (status.Exit is { } exit)
            await context.Publish(new TaskExited(command.TaskId, command.NodeId, command.Attempt, exit.ContainerId, exit.ExitCode, exit.OomKilled, null, exit.FinishedAt));
        else
            watcher.Watch(command.TaskId, command.Attempt, status.ContainerId);
    }
}
