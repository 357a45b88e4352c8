using Docker.DotNet.Models;

namespace Orchestrator.IntegrationTests.Infrastructure;

/// <summary>
/// Ports a test container publishes on 127.0.0.1 only: the fault tests' brokers and databases are never reachable
/// from outside this machine, whatever the engine's default address for published ports.
/// </summary>
public static class LoopbackPorts
{
    /// <summary>For <c>WithCreateParameterModifier</c>: every published port bound on loopback.</summary>
    public static void Only(CreateContainerParameters parameters)
    {
        foreach (var bindings in parameters.HostConfig?.PortBindings?.Values ?? [])
        {
            foreach (var binding in bindings)
                binding.HostIP = "127.0.0.1";
        }
    }
}
