using Orchestrator.Domain.Tasks;

namespace Orchestrator.StateStore.Persistence.Entities;

/// <summary>
/// One revision of a job as it was made: its task spec, why it was made, and when. Written once, by the reconciler,
/// the first time it sees the job at that revision (<see cref="JobRecord.RecordedRevision"/>); the newest
/// <see cref="Kept"/> of a job are kept, for a listing and a revert.
/// </summary>
public sealed class JobRevisionRecord
{
    public const int Kept = 20;

    public required string JobName { get; init; }
    public required int Revision { get; init; }
    public required TaskSpec Spec { get; init; }
    public required string Reason { get; init; }
    public required DateTimeOffset CreatedAt { get; init; }
}
