namespace Orchestrator.Domain.Scheduling.Feasibility;

/// <summary>The node carries every label the task's constraints require.</summary>
public sealed class LabelConstraintChecker : IFeasibilityChecker
{
    public bool Accepts(in PlacementAsk ask, NodeSnapshot node) => FirstUnmet(ask, node) is null;

    public string Explain(in PlacementAsk ask, NodeSnapshot node) => $"without label {FirstUnmet(ask, node)}";

    private static PlacementConstraint? FirstUnmet(in PlacementAsk ask, NodeSnapshot node)
    {
        if (ask.Task.Constraints is { } constraints)
            foreach (var constraint in constraints)
                if (!constraint.IsMetBy(node.Labels))
                    return constraint;
        return null;
    }
}
