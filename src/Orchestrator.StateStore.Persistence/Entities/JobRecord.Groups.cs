using Orchestrator.Contracts;
using Orchestrator.Domain.Jobs;
using Orchestrator.Domain.Tasks;

namespace Orchestrator.StateStore.Persistence.Entities;

/// <summary>A job of groups, each run by a job of its own.</summary>
public sealed partial class JobRecord
{
    /// <summary>
    /// A job of groups: the names of its groups, each run by a job of its own (<c>JOB-GROUP</c>, whose
    /// <see cref="ParentJob"/> is this one); this job runs no task itself. Null for a job of one task spec.
    /// </summary>
    public List<string>? GroupNames { get; private set; }

    public bool IsGrouped => GroupNames is not null;

    /// <summary>
    /// A job of groups, which runs none of its tasks itself: its groups' jobs do. Its spec is its first group's, as the
    /// spec a listing shows for it.
    /// </summary>
    private static JobRecord CreateGrouped(string name, JobSpec spec, DateTimeOffset now) => new()
    {
        Name = name,
        Type = spec.Type,
        Spec = spec.ForGroup(spec.Groups![0]).TaskSpecFor(name),
        GroupNames = spec.Groups.Select(g => g.Name).ToList(),
        CreatedAt = now,
        UpdatedAt = now,
    };

    /// <summary>The job of groups takes its new list of groups; the caller applies each group's job.</summary>
    public void ApplyGroups(JobSpec spec, DateTimeOffset now)
    {
        GroupNames = spec.Groups!.Select(g => g.Name).ToList();
        Spec = spec.ForGroup(spec.Groups![0]).TaskSpecFor(Name);
        UpdatedAt = now;
    }

    /// <summary>What a user sees of a job of groups: each group as a job, and the counts of them all.</summary>
    public JobDetails ToDetails(IReadOnlyList<(JobRecord Group, IReadOnlyList<TaskRecord> Tasks)> groups)
    {
        var details = groups.Select(g => g.Group.ToDetails(g.Tasks)).ToList();
        return ToDetails(groups.SelectMany(g => g.Tasks).ToList()) with
        {
            Count = details.Sum(g => g.Count),
            Running = details.Sum(g => g.Running),
            // A batch job of groups ends when each group has: Failed as soon as one has failed.
            Status = details.Any(g => g.Status == JobStatus.Failed) ? JobStatus.Failed
                : details.Count > 0 && details.All(g => g.Status == JobStatus.Complete) ? JobStatus.Complete
                : JobStatus.Running,
            Groups = details,
        };
    }
}
