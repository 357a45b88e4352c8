using Orchestrator.WorkerAgent.Runtime;
using Orchestrator.WorkerAgent.Supervision;

namespace Orchestrator.WorkerAgent.Reporting;

/// <summary>
/// On start, takes back the running containers labelled with this node, with the spec their labels carry, so
/// their exits are reported and no duplicate is started, and the exited ones the last agent was still supervising
/// (<see cref="TaskSupervisor.WasSupervised"/>), so their restart policy decides. Containers of tasks that belong
/// elsewhere are stopped after the first heartbeat. The task files of containers that are gone (removed while no
/// agent ran) are removed.
/// </summary>
public sealed class ContainerAdoption(IContainerRuntime runtime, TaskSupervisor supervisor, TaskFileMounts files, ILogger<ContainerAdoption> logger)
    : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var containers = await runtime.ListAsync(cancellationToken);
        files.RemoveAllBut(containers.Select(c => (c.TaskId, c.Attempt)));
        var adopted = containers
            .Where(c => c.Spec is not null && (c.Running || supervisor.WasSupervised(c.ContainerId)))
            .ToList();
        foreach (var container in adopted)
            supervisor.Supervise(container.TaskId, container.Attempt, container.ContainerId, container.Spec!);
        logger.LogInformation("Adopted {Running} running containers and {Exited} exited ones still under their restart policy",
            adopted.Count(c => c.Running), adopted.Count(c => !c.Running));
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
