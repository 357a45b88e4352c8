using MassTransit;
using Orchestrator.Contracts;
using Orchestrator.Domain.Tasks;
using Orchestrator.StateStore.Persistence;
using Orchestrator.StateStore.Tasks;

namespace Orchestrator.StateStore.Consumers.TaskReports;

/// <summary>
/// An agent runs a container. If it is the task's current attempt on that node, the task is Running with the
/// ports the engine bound; if the task has moved on or was stopped, the container is told to stop. A container of a
/// task StateStore does not know is left alone. Reports from every queue share commits (<see cref="GroupCommit"/>);
/// this queue's next report waits for this one's.
/// </summary>
[ExcludeFromConfigureEndpoints]
public sealed class TaskStartedConsumer(GroupCommit commits) : IConsumer<TaskStarted>
{
    public Task Consume(ConsumeContext<TaskStarted> context) =>
        commits.RunAsync(context, async (db, lifecycle) =>
        {
            var report = context.Message;
            var task = await db.Tasks.FindAsync([report.TaskId], context.CancellationToken);
            // A task StateStore does not know was not ended by it: the container runs on, and the node's heartbeats
            // list it as unknown.
            if (task is null)
                return false;
            if (!task.TakesReportsOf(report.NodeId, report.Attempt) || task.DesiredState == DesiredState.Stopped)
            {
                lifecycle.SendStop(task, report.NodeId, report.Attempt);
                return false;
            }
            if (task.State == TaskState.Running)
                return false; // a duplicate report
            lifecycle.RecordStart(task, report.ContainerId, report.Ports, report.StartedAt, $"container {ContainerIds.Short(report.ContainerId)} started");
            return true;
        }, context.Message.TaskId);
}
