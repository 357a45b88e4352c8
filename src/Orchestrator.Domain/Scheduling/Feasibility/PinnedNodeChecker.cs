namespace Orchestrator.Domain.Scheduling.Feasibility;

/// <summary>A task that names a node (<c>nodeId</c>) runs there or nowhere.</summary>
public sealed class PinnedNodeChecker : IFeasibilityChecker
{
    public bool Accepts(in PlacementAsk ask, NodeSnapshot node) => ask.Task.NodeId is not { } pinned || pinned == node.Id;

    public string Explain(in PlacementAsk ask, NodeSnapshot node) => "not the pinned node";
}
