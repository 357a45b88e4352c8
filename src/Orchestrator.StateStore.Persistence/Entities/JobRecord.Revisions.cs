using Orchestrator.Contracts;
using Orchestrator.Domain.Jobs;
using Orchestrator.Domain.Tasks;

namespace Orchestrator.StateStore.Persistence.Entities;

/// <summary>The job's history of revisions, and the user's restart and revert.</summary>
public sealed partial class JobRecord
{
    /// <summary>The latest revision written to the job's history (<see cref="JobRevisionRecord"/>).</summary>
    public int RecordedRevision { get; private set; }

    /// <summary>The record of the current revision, when the history does not have it yet; the job notes that it has now.</summary>
    public JobRevisionRecord? UnrecordedRevision(DateTimeOffset now)
    {
        if (RecordedRevision == Revision)
            return null;
        RecordedRevision = Revision;
        return new JobRevisionRecord
        {
            JobName = Name,
            Revision = Revision,
            Spec = Spec,
            Reason = RevisionReason ?? (Revision == 1 ? "created" : "a new spec"),
            CreatedAt = now,
        };
    }

    /// <summary>
    /// A user's restart: a new revision of the same spec, so every task is replaced by the rules of a rollout. Why it
    /// cannot be, or null when it is done.
    /// </summary>
    public string? Restart(DateTimeOffset now)
    {
        if (Type == JobType.Batch)
            return $"job {Name} is a batch job, which runs to completion; a new spec or new settings run it again";
        Revision++;
        RevisionReason = "restart requested";
        UpdatedAt = now;
        return null;
    }

    /// <summary>A user's revert to <paramref name="revision"/>, whose spec was <paramref name="spec"/>: a new revision of that spec.</summary>
    public void RevertTo(int revision, TaskSpec spec, DateTimeOffset now)
    {
        Revision++;
        Spec = spec with { Name = Name };
        RevisionReason = $"revert to revision {revision}";
        RolloutFailure = null;
        Reopen();
        UpdatedAt = now;
    }
}
