namespace Orchestrator.Domain.Scheduling;

/// <summary>Cube's pick: the candidate with the lowest score; ties go to the earliest candidate.</summary>
public static class LowestScorePicker
{
    public static NodeSnapshot Pick(IReadOnlyDictionary<Guid, double> scores, IReadOnlyList<NodeSnapshot> candidates)
    {
        if (candidates.Count == 0)
            throw new ArgumentException("There must be at least one candidate to pick from.", nameof(candidates));
        var best = candidates[0];
        foreach (var candidate in candidates.Skip(1))
        {
            if (scores[candidate.Id] < scores[best.Id])
                best = candidate;
        }
        return best;
    }
}
