namespace Orchestrator.Domain.Scheduling.Feasibility;

/// <summary>Every resource the task requests fits in what the node has left after its live tasks' requests.</summary>
public sealed class ResourceChecker : IFeasibilityChecker
{
    public bool Accepts(in PlacementAsk ask, NodeSnapshot node) => node.HasRoomFor(ask.Resources);

    public string Explain(in PlacementAsk ask, NodeSnapshot node) =>
        $"short of {string.Join(" and ", node.Free.Shortfalls(ask.Resources))}";
}
