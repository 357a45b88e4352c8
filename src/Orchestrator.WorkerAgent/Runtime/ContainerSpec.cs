using Docker.DotNet.Models;
using Orchestrator.WorkerAgent.Host;
using DockerPortBinding = Docker.DotNet.Models.PortBinding;

namespace Orchestrator.WorkerAgent.Runtime;

/// <summary>Translates a task into the engine's create parameters: limits, ports, env and the owning labels.</summary>
public static class ContainerSpec
{
    public static CreateContainerParameters From(ContainerLaunch launch, NodeIdentity node, AgentOptions options)
    {
        var spec = launch.Spec;
        var resources = spec.Requested;
        var ports = spec.PortsOrEmpty;
        return new CreateContainerParameters
        {
            Name = $"orch-{spec.Name}-{launch.TaskId:N}-{launch.Attempt}",
            Image = spec.Image,
            Cmd = spec.Command?.ToList(),
            Entrypoint = spec.Entrypoint?.ToList(),
            WorkingDir = spec.WorkingDir,
            StopTimeout = spec.StopTimeout,
            Env = spec.Env?.Select(pair => $"{pair.Key}={pair.Value}").ToList(),
            Labels = ContainerLabels.For(launch.TaskId, spec, node.Id, launch.Attempt),
            ExposedPorts = ports.ToDictionary(PortKey, _ => new EmptyStruct()),
            HostConfig = new HostConfig
            {
                NanoCPUs = resources.NanoCpus,
                Memory = resources.MemoryBytes,
                // No swap beyond the limit, so going over it is an OOM kill rather than a slow crawl.
                MemorySwap = resources.MemoryBytes,
                PidsLimit = options.PidsLimit,
                PortBindings = ports.ToDictionary(
                    PortKey,
                    port => (IList<DockerPortBinding>)[new DockerPortBinding { HostPort = port.HostPort > 0 ? port.HostPort.ToString() : "" }]),
            },
        };
    }

    private static string PortKey(Domain.Tasks.PortMapping port) => $"{port.ContainerPort}/{port.Protocol}";
}
