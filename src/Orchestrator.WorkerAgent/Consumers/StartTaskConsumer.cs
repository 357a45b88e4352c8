using System.Diagnostics;
using MassTransit;
using Orchestrator.Contracts;
using Orchestrator.WorkerAgent.Reporting;
using Orchestrator.WorkerAgent.Runtime;
using Orchestrator.WorkerAgent.Supervision;

namespace Orchestrator.WorkerAgent.Consumers;

/// <summary>
/// Runs the attempt's container, or finds the one already running, reports it and puts it under supervision.
/// Receiving the same command twice never starts a second container: a copy that arrives while the attempt is starting
/// waits for that start to end (<see cref="TaskSupervisor.StartingAsync"/>), and any copy then meets the container the
/// first made, by its name (<see cref="IContainerRuntime.StartAsync"/>).
/// </summary>
public sealed class StartTaskConsumer(IContainerRuntime runtime, TaskSupervisor supervisor, ILogger<StartTaskConsumer> logger)
    : IConsumer<StartTask>
{
    public async Task Consume(ConsumeContext<StartTask> context)
    {
        var command = context.Message;
        using var starting = await supervisor.StartingAsync(command.TaskId, command.Attempt, context.CancellationToken);
        var started = Stopwatch.GetTimestamp();
        ContainerStatus status;
        try
        {
            status = await runtime.StartAsync(
                new ContainerLaunch(command.TaskId, command.Attempt, command.Spec, command.Job, command.Slot),
                step => context.SendReport(new TaskProgressed(command.TaskId, command.NodeId, command.Attempt, step)),
                context.CancellationToken);
        }
        catch (ContainerStartException error)
        {
            RecordStartDuration(started, "failed");
            logger.LogWarning(error, "Task {TaskId} could not start: {Reason}", command.TaskId, error.Message);
            await context.SendReport(new TaskExited(command.TaskId, command.NodeId, command.Attempt, null, null, false, error.Message, DateTimeOffset.UtcNow));
            return;
        }

        RecordStartDuration(started, "started");
        logger.LogInformation("Task {TaskId} attempt {Attempt} runs in container {ContainerId}", command.TaskId, command.Attempt, status.ContainerId);
        await context.SendReport(new TaskStarted(command.TaskId, command.NodeId, command.Attempt, status.ContainerId, status.Ports, status.StartedAt));
        supervisor.Supervise(command.TaskId, command.Attempt, status.ContainerId, command.Spec);
    }

    private static void RecordStartDuration(long started, string outcome) =>
        AgentTelemetry.ContainerStartDuration.Record(
            Stopwatch.GetElapsedTime(started).TotalMilliseconds, new KeyValuePair<string, object?>("outcome", outcome));
}
