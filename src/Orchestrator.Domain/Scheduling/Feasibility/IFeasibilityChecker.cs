namespace Orchestrator.Domain.Scheduling.Feasibility;

/// <summary>
/// One reason a node may be unable to take a task, as in Nomad's <c>FeasibilityChecker</c>. The checkers run in a
/// chain (<see cref="CandidateFilter"/>) and a node is a candidate when every one accepts it; a new kind of
/// constraint is a new checker there.
/// </summary>
public interface IFeasibilityChecker
{
    /// <summary>
    /// Whether <paramref name="node"/> passes this check. It runs for every node of the cluster at every placement,
    /// so it must not allocate.
    /// </summary>
    bool Accepts(in PlacementAsk ask, NodeSnapshot node);

    /// <summary>
    /// Why <paramref name="node"/> fails this check, in the words the unplaceable reason counts ("short of memory"),
    /// asked only of a node <see cref="Accepts"/> turned down.
    /// </summary>
    string Explain(in PlacementAsk ask, NodeSnapshot node);
}
