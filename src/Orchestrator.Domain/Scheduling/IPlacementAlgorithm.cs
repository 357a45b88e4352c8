using Orchestrator.Domain.Tasks;

namespace Orchestrator.Domain.Scheduling;

/// <summary>
/// Cube's three steps of placement. Every algorithm filters candidates, scores them, and picks; the lowest
/// score wins, as in Cube.
/// </summary>
public interface IPlacementAlgorithm
{
    string Name { get; }

    IReadOnlyList<NodeSnapshot> SelectCandidates(TaskSpec task, IReadOnlyList<NodeSnapshot> nodes);

    IReadOnlyDictionary<Guid, double> Score(TaskSpec task, IReadOnlyList<NodeSnapshot> candidates);

    NodeSnapshot Pick(IReadOnlyDictionary<Guid, double> scores, IReadOnlyList<NodeSnapshot> candidates);
}
