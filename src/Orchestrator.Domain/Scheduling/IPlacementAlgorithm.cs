using Orchestrator.Domain.Tasks;

namespace Orchestrator.Domain.Scheduling;

/// <summary>
/// A placement algorithm is its scorer, the ranking step of the stack <see cref="PlacementDecision.Decide"/> runs:
/// the feasibility chain (<see cref="CandidateFilter"/>) and the job's spread choose the candidates, the algorithm
/// scores them, and <see cref="LowestScorePicker"/> takes the lowest score, as in Cube. A new algorithm is one
/// implementation of this, named in <see cref="PlacementAlgorithms"/>.
/// </summary>
public interface IPlacementAlgorithm
{
    string Name { get; }

    /// <summary>
    /// A score for each candidate, in the candidates' order; the lowest wins. It runs for every node of the cluster
    /// in every decision, so it fills an array rather than a map.
    /// </summary>
    double[] Score(TaskSpec task, IReadOnlyList<NodeSnapshot> candidates);

    /// <summary>Told which node the pick chose, for an algorithm whose next scores depend on it (round-robin's turn).</summary>
    void Picked(NodeSnapshot node)
    {
    }
}
