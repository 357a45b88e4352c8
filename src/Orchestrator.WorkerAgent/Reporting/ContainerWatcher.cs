using System.Collections.Concurrent;
using MassTransit;
using Orchestrator.Contracts;
using Orchestrator.WorkerAgent.Host;
using Orchestrator.WorkerAgent.Runtime;

namespace Orchestrator.WorkerAgent.Reporting;

/// <summary>
/// Waits on each running container and reports its exit. Each container is watched once, however often it
/// is started or adopted. Watches end with the agent; the next agent re-adopts the container.
/// </summary>
public sealed class ContainerWatcher(
    IContainerRuntime runtime,
    IBus bus,
    NodeIdentity node,
    IHostApplicationLifetime lifetime,
    ILogger<ContainerWatcher> logger)
{
    private readonly ConcurrentDictionary<string, Task> _watches = new();

    public void Watch(Guid taskId, int attempt, string containerId) =>
        _watches.GetOrAdd(containerId, id => Task.Run(() => WatchAsync(taskId, attempt, id)));

    private async Task WatchAsync(Guid taskId, int attempt, string containerId)
    {
        var stopping = lifetime.ApplicationStopping;
        try
        {
            var exit = await runtime.WaitAsync(containerId, stopping);
            await bus.Publish(
                new TaskExited(taskId, node.Id, attempt, containerId, exit.ExitCode, exit.OomKilled, null, exit.FinishedAt),
                stopping);
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested)
        {
        }
        catch (Exception error)
        {
            // The container may have been removed by a stop; the heartbeat reconciles whatever is left.
            logger.LogDebug(error, "Stopped watching container {ContainerId} of task {TaskId}", containerId, taskId);
        }
        finally
        {
            _watches.TryRemove(containerId, out _);
        }
    }
}
