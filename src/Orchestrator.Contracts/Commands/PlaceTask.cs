namespace Orchestrator.Contracts;

/// <summary>One proposed placement: this task, at <paramref name="ExpectedVersion"/>, on this node.</summary>
public sealed record PlaceTask(Guid TaskId, Guid NodeId, int ExpectedVersion);

/// <summary>
/// Scheduler to StateStore: a pass's proposals, in the order decided. StateStore checks each again (the task is
/// still Pending at its expected version, the node is Ready and still has room, counting the proposals before it
/// in the batch) and commits those that hold in one transaction. Answered with <see cref="PlacementResults"/>.
/// </summary>
public sealed record PlaceTasks(IReadOnlyList<PlaceTask> Placements);

/// <summary>The answer to <see cref="PlaceTasks"/>: one result per proposal, in the same order.</summary>
public sealed record PlacementResults(IReadOnlyList<PlacementResult> Results);

/// <summary>A proposal's fate: placed when <paramref name="Refusal"/> is null, else why not.</summary>
public sealed record PlacementResult(Guid TaskId, Guid NodeId, string? Refusal)
{
    public bool Accepted => Refusal is null;
}
