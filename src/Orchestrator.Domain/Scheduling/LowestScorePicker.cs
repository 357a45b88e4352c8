namespace Orchestrator.Domain.Scheduling;

/// <summary>Cube's pick: the candidate with the lowest score; ties go to the earliest candidate.</summary>
public static class LowestScorePicker
{
    /// <param name="scores">Each candidate's score, in the candidates' order.</param>
    public static NodeSnapshot Pick(IReadOnlyList<double> scores, IReadOnlyList<NodeSnapshot> candidates)
    {
        if (candidates.Count == 0)
            throw new ArgumentException("There must be at least one candidate to pick from.", nameof(candidates));
        if (scores.Count != candidates.Count)
            throw new ArgumentException($"{scores.Count} scores for {candidates.Count} candidates.", nameof(scores));
        var best = 0;
        for (var i = 1; i < candidates.Count; i++)
        {
            if (scores[i] < scores[best])
                best = i;
        }
        return candidates[best];
    }
}
