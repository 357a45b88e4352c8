using Orchestrator.Contracts;
using Orchestrator.Domain.Jobs;
using Orchestrator.Domain.Tasks;

namespace Orchestrator.StateStore.Persistence.Entities;

/// <summary>A service job's rollout: its settings, its verdict, canaries and the revision to go back to.</summary>
public sealed partial class JobRecord
{
    /// <summary>A service job's rollout settings; the defaults when null.</summary>
    public UpdatePolicy? Update { get; private set; }

    public UpdatePolicy UpdateOrDefault => Update ?? UpdatePolicy.Default;

    /// <summary>The latest revision that fully rolled out, and its spec: what a failed revision reverts to.</summary>
    public int? StableRevision { get; private set; }
    public TaskSpec? StableSpec { get; private set; }

    /// <summary>The revision whose canaries were promoted, so its rollout goes on.</summary>
    public int? PromotedRevision { get; private set; }

    /// <summary>The revision declared failed; while it is the current one, the job's message says so and it is not judged again.</summary>
    public int? FailedRevision { get; private set; }

    /// <summary>Why the latest rollout failed, and what was done, kept until the job's spec changes.</summary>
    public string? RolloutFailure { get; private set; }

    /// <summary>
    /// Whether the current revision is a change being rolled out over one that served, not yet judged: a job's first
    /// revision has nothing to go back to, and its failures hold it back instead (<see cref="HoldBack"/>).
    /// </summary>
    public bool AwaitsVerdict => Type == JobType.Service && StableRevision is not null && StableRevision != Revision && FailedRevision != Revision;

    /// <summary>How many canaries the current revision runs before a promote; 0 when there is nothing to wait for.</summary>
    public int CanariesWanted =>
        AwaitsVerdict && UpdateOrDefault.Canary > 0 && PromotedRevision != Revision ? Math.Min(UpdateOrDefault.Canary, Count) : 0;

    /// <summary>The canaries serve: the rollout waits for a user's promote.</summary>
    public void WaitForPromote() =>
        Message = $"revision {Revision}'s {CanariesWanted} canaries serve beside the old tasks; `orchestrator job promote {Name}` goes on with the rollout";

    /// <summary>The current revision serves its count with no older task left: it is what a later failure reverts to.</summary>
    public void NoteStable()
    {
        StableRevision = Revision;
        StableSpec = Spec;
    }

    /// <summary>A user's promote of the canaries: the rollout goes on. Why it cannot be, or null when it is done.</summary>
    public string? Promote(DateTimeOffset now)
    {
        if (CanariesWanted == 0)
            return $"job {Name} has no canaries waiting for a promote: revision {Revision} is " +
                (FailedRevision == Revision ? "failed" : StableRevision == Revision ? "rolled out" : "rolling out without canaries");
        PromotedRevision = Revision;
        UpdatedAt = now;
        return null;
    }

    /// <summary>
    /// The current revision failed (<paramref name="why"/>). The rollout goes on trying, the old tasks serving meanwhile,
    /// until the spec changes; with <c>update.autoRevert</c> the job would have gone back instead.
    /// </summary>
    public void FailRevision(string why, DateTimeOffset now)
    {
        FailedRevision = Revision;
        RolloutFailure = $"{why}; the old tasks keep serving while it goes on trying (update.autoRevert would revert)";
        UpdatedAt = now;
    }

    /// <summary>
    /// The current revision failed (<paramref name="why"/>), and the job goes back to the last that rolled out, as a new
    /// revision of that spec. Returns the revision whose tasks are now of the new one.
    /// </summary>
    public int RevertAfter(string why, DateTimeOffset now)
    {
        var stable = StableRevision!.Value;
        FailedRevision = Revision;
        RolloutFailure = $"{why}; reverted to revision {stable}";
        Revision++;
        RevisionReason = $"revision {FailedRevision} failed and revision {stable} is restored";
        Spec = StableSpec!;
        StableRevision = Revision;
        UpdatedAt = now;
        return stable;
    }
}
