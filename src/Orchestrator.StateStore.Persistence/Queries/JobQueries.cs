using Microsoft.EntityFrameworkCore;
using Orchestrator.Contracts;
using Orchestrator.Domain.Jobs;
using Orchestrator.StateStore.Persistence.Entities;

namespace Orchestrator.StateStore.Persistence.Queries;

/// <summary>What users read of jobs: one job with its tasks (its groups' or its runs'), the list, a job's revisions.</summary>
public static class JobQueries
{
    public static async Task<JobDetails?> FindJobAsync(this OrchestratorDbContext db, string name, CancellationToken cancellationToken)
    {
        var job = await db.Jobs.AsNoTracking().FirstOrDefaultAsync(j => j.Name == name, cancellationToken);
        if (job is null)
            return null;
        if (job.IsGrouped)
            return job.ToDetails(await db.GroupsOfAsync(job, tracked: false, cancellationToken));
        var tasks = await db.UnfinishedJobTasks(name).AsNoTracking().ToListAsync(cancellationToken);
        var runs = job.IsPeriodic
            ? await db.Jobs.AsNoTracking().Where(r => r.ParentJob == name).ToListAsync(cancellationToken)
            : null;
        return job.ToDetails(tasks, runs);
    }

    /// <summary>Every job by name, each with its unfinished tasks.</summary>
    public static async Task<IReadOnlyList<JobDetails>> ListJobsAsync(this OrchestratorDbContext db, CancellationToken cancellationToken)
    {
        var jobs = await db.Jobs.AsNoTracking().OrderBy(j => j.Name).ToListAsync(cancellationToken);
        var tasks = (await db.UnfinishedJobTasks().AsNoTracking().ToListAsync(cancellationToken)).ToLookup(t => t.JobName);
        var byName = jobs.ToDictionary(j => j.Name);
        return jobs.Select(job => job.IsGrouped
            // A job of groups counts its groups' tasks, each group also listed as a job of its own.
            ? job.ToDetails(Groups(job, byName.GetValueOrDefault, tasks))
            : job.ToDetails(tasks[job.Name].ToList())).ToList();
    }

    /// <summary>A job's kept revisions, newest first, or null when there is no such job.</summary>
    public static async Task<JobRevisionList?> JobRevisionsAsync(this OrchestratorDbContext db, string name, CancellationToken cancellationToken)
    {
        var current = await db.Jobs.AsNoTracking().Where(j => j.Name == name).Select(j => (int?)j.Revision).FirstOrDefaultAsync(cancellationToken);
        if (current is null)
            return null;
        var revisions = await db.JobRevisions.AsNoTracking()
            .Where(r => r.JobName == name)
            .OrderByDescending(r => r.Revision)
            .ToListAsync(cancellationToken);
        return new JobRevisionList(name, current.Value,
            revisions.Select(r => new JobRevisionDetails(r.Revision, r.Spec, r.Reason, r.CreatedAt, r.Revision == current)).ToList());
    }

    /// <summary>A job of groups' groups in the order its spec names them, each with its unfinished tasks.</summary>
    public static async Task<IReadOnlyList<(JobRecord Group, IReadOnlyList<TaskRecord> Tasks)>> GroupsOfAsync(
        this OrchestratorDbContext db, JobRecord job, bool tracked, CancellationToken cancellationToken)
    {
        var query = tracked ? db.Jobs : db.Jobs.AsNoTracking();
        var groups = await query.Where(g => g.ParentJob == job.Name).ToListAsync(cancellationToken);
        var tasks = (await db.UnfinishedJobTasks().Where(t => t.JobName!.StartsWith(job.Name + "-")).AsNoTracking().ToListAsync(cancellationToken))
            .ToLookup(t => t.JobName);
        return Groups(job, name => groups.FirstOrDefault(g => g.Name == name), tasks);
    }

    /// <summary>The jobs of a job's groups in the order its spec names them, each with its tasks; a group with no job yet is left out.</summary>
    private static IReadOnlyList<(JobRecord Group, IReadOnlyList<TaskRecord> Tasks)> Groups(
        JobRecord job, Func<string, JobRecord?> jobNamed, ILookup<string?, TaskRecord> tasks) =>
        job.GroupNames!
            .Select(group => jobNamed(JobSpec.GroupJobName(job.Name, group)))
            .OfType<JobRecord>()
            .Select(g => (g, (IReadOnlyList<TaskRecord>)tasks[g.Name].ToList()))
            .ToList();
}
