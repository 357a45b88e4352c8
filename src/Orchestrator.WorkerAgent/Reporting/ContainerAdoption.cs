using Orchestrator.WorkerAgent.Runtime;
using Orchestrator.WorkerAgent.Supervision;

namespace Orchestrator.WorkerAgent.Reporting;

/// <summary>
/// On start, takes back the running containers labelled with this node, with the spec their labels carry, so
/// their exits are reported and no duplicate is started. Containers of tasks that belong elsewhere are stopped
/// after the first heartbeat.
/// </summary>
public sealed class ContainerAdoption(IContainerRuntime runtime, TaskSupervisor supervisor, ILogger<ContainerAdoption> logger)
    : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var running = (await runtime.ListAsync(cancellationToken)).Where(c => c.Running && c.Spec is not null).ToList();
        foreach (var container in running)
            supervisor.Supervise(container.TaskId, container.Attempt, container.ContainerId, container.Spec!);
        logger.LogInformation("Adopted {Count} running containers", running.Count);
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
