using Orchestrator.Domain.Nodes;

namespace Orchestrator.Domain.Scheduling.Feasibility;

/// <summary>The node is in one of the datacenters the task lists, if it lists any.</summary>
public sealed class DatacenterChecker : IFeasibilityChecker
{
    public bool Accepts(in PlacementAsk ask, NodeSnapshot node) => NodeDatacenter.Allows(ask.Task.Datacenters, node.Datacenter);

    public string Explain(in PlacementAsk ask, NodeSnapshot node) => $"in datacenter {node.Datacenter}";
}
