using Orchestrator.WorkerAgent.Runtime;

namespace Orchestrator.WorkerAgent.Reporting;

/// <summary>
/// On start, takes back the running containers labelled with this node, so their exits are reported and no
/// duplicate is started. Containers of tasks that belong elsewhere are stopped after the first heartbeat.
/// </summary>
public sealed class ContainerAdoption(IContainerRuntime runtime, ContainerWatcher watcher, ILogger<ContainerAdoption> logger)
    : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var containers = await runtime.ListAsync(cancellationToken);
        foreach (var container in containers.Where(c => c.Running))
            watcher.Watch(container.TaskId, container.Attempt, container.ContainerId);
        logger.LogInformation("Adopted {Count} running containers", containers.Count(c => c.Running));
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
