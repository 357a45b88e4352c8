using Docker.DotNet;
using Docker.DotNet.Models;
using Microsoft.Extensions.Options;
using Orchestrator.Domain.Tasks;

namespace Orchestrator.WorkerAgent.Runtime;

/// <summary>
/// Decides the host port of every published port that leaves it to the node (<c>hostPort: 0</c>) before the container
/// is created, as Nomad's dynamic ports do, so the task can be told its own port (<c>ORCHESTRATOR_PORT_8080</c>). The
/// engine would pick one only when the container starts, too late for its environment.
/// </summary>
/// <remarks>
/// What is taken is read from the engine (every container's published ports, and the ports a stopped task container
/// keeps for its restart), so it survives an agent restart and counts the containers of other agents and users on the
/// same engine. A port held by a process outside the engine
/// shows up only when the start fails; the runtime then asks again, avoiding it.
/// </remarks>
public sealed class HostPortPicker(IDockerClient docker, IOptions<AgentOptions> options)
{
    private readonly Lock _gate = new();

    // Handed out but perhaps not yet bound: two starts at once must not both take the port the engine shows free.
    private readonly Dictionary<HostPort, DateTimeOffset> _handedOut = [];

    private static readonly TimeSpan HandedOutFor = TimeSpan.FromMinutes(1);

    /// <summary>
    /// The ports with every host port decided: fixed ones as asked, the others from <see cref="AgentOptions.DynamicPorts"/>.
    /// </summary>
    /// <param name="refused">Ports a start has just failed to bind, left out even though the engine shows them free.</param>
    /// <exception cref="ContainerStartException">The range has no free port left for one of them.</exception>
    public async Task<IReadOnlyList<PortMapping>> DecideAsync(
        IReadOnlyList<PortMapping> ports, IReadOnlySet<HostPort> refused, CancellationToken cancellationToken)
    {
        if (ports.All(port => port.HostPort > 0))
            return ports;
        var taken = await PublishedOnEngineAsync(cancellationToken);
        taken.UnionWith(refused);
        taken.UnionWith(ports.Where(port => port.HostPort > 0).Select(port => HostPort.Of(port.HostPort, port.Protocol)));
        var range = options.Value.DynamicPorts;
        var now = DateTimeOffset.UtcNow;
        lock (_gate)
        {
            foreach (var stale in _handedOut.Where(pair => now - pair.Value > HandedOutFor).Select(pair => pair.Key).ToList())
                _handedOut.Remove(stale);
            taken.UnionWith(_handedOut.Keys);
            var decided = new List<PortMapping>(ports.Count);
            foreach (var port in ports)
            {
                if (port.HostPort > 0)
                {
                    decided.Add(port);
                    continue;
                }
                var protocol = port.Protocol.ToLowerInvariant();
                var free = DynamicPortRange.PickFree(range.Min, range.Max, number => taken.Contains(new HostPort(number, protocol)), Random.Shared)
                    ?? throw new ContainerStartException(
                        $"no free host port for {port.ContainerPort}/{protocol} in {range.Min}-{range.Max} on this node (Agent:DynamicPorts)");
                var chosen = new HostPort(free, protocol);
                taken.Add(chosen);
                _handedOut[chosen] = now;
                decided.Add(port with { HostPort = free });
            }
            return decided;
        }
    }

    /// <summary>
    /// The ports every container on the engine publishes while it runs, and those an agent's container keeps for its
    /// next run while it is stopped or not yet started (<see cref="ContainerLabels.HostPorts"/>).
    /// </summary>
    private async Task<HashSet<HostPort>> PublishedOnEngineAsync(CancellationToken cancellationToken)
    {
        var containers = await docker.Containers.ListContainersAsync(new ContainersListParameters { All = true }, cancellationToken);
        var taken = new HashSet<HostPort>();
        foreach (var container in containers)
        {
            foreach (var port in container.Ports ?? [])
                if (port.PublicPort > 0)
                    taken.Add(HostPort.Of(port.PublicPort, port.Type ?? "tcp"));
            taken.UnionWith(ContainerLabels.ReadHostPorts(container.Labels));
        }
        return taken;
    }
}
