using Orchestrator.Domain.Nodes;

namespace Orchestrator.Domain.Scheduling.Feasibility;

/// <summary>Only a Ready node takes new tasks: a Down one is gone, a Draining one is being emptied.</summary>
public sealed class NodeStatusChecker : IFeasibilityChecker
{
    public bool Accepts(in PlacementAsk ask, NodeSnapshot node) => node.Status == NodeStatus.Ready;

    public string Explain(in PlacementAsk ask, NodeSnapshot node) => node.Status.ToString();
}
