using Orchestrator.Domain.Tasks;

namespace Orchestrator.Domain.Scheduling.Feasibility;

/// <summary>No fixed host port the task asks for is held by a task already on the node.</summary>
public sealed class HostPortChecker : IFeasibilityChecker
{
    public bool Accepts(in PlacementAsk ask, NodeSnapshot node) => FirstTaken(ask, node) is null;

    public string Explain(in PlacementAsk ask, NodeSnapshot node) => $"host port {FirstTaken(ask, node)} taken";

    private static HostPort? FirstTaken(in PlacementAsk ask, NodeSnapshot node)
    {
        foreach (var port in ask.FixedHostPorts)
            if (node.UsedHostPorts.Contains(port))
                return port;
        return null;
    }
}
