using MassTransit;
using Microsoft.EntityFrameworkCore;
using Orchestrator.Contracts;
using Orchestrator.StateStore.Jobs;
using Orchestrator.StateStore.Persistence;
using Orchestrator.StateStore.Persistence.Queries;

namespace Orchestrator.StateStore.Consumers.Jobs;

public sealed class GetJobConsumer(OrchestratorDbContext db, JobReconciler reconciler) : IConsumer<GetJob>
{
    public async Task Consume(ConsumeContext<GetJob> context)
    {
        var name = context.Message.Name;
        var job = await db.Jobs.AsNoTracking().FirstOrDefaultAsync(j => j.Name == name, context.CancellationToken);
        if (job is null)
        {
            await context.RespondAsync(new JobNotFound(name));
            return;
        }
        if (job.IsGrouped)
        {
            await context.RespondAsync(job.ToDetails(await reconciler.GroupsOfAsync(job, tracked: false, context.CancellationToken)));
            return;
        }
        var tasks = await db.UnfinishedJobTasks(name).AsNoTracking().ToListAsync(context.CancellationToken);
        var runs = job.IsPeriodic
            ? await db.Jobs.AsNoTracking().Where(r => r.ParentJob == name).ToListAsync(context.CancellationToken)
            : null;
        await context.RespondAsync(job.ToDetails(tasks, runs));
    }
}

public sealed class GetJobRevisionsConsumer(OrchestratorDbContext db) : IConsumer<GetJobRevisions>
{
    public async Task Consume(ConsumeContext<GetJobRevisions> context)
    {
        var name = context.Message.Name;
        var current = await db.Jobs.AsNoTracking().Where(j => j.Name == name).Select(j => (int?)j.Revision).FirstOrDefaultAsync(context.CancellationToken);
        if (current is null)
        {
            await context.RespondAsync(new JobNotFound(name));
            return;
        }
        var revisions = await db.JobRevisions.AsNoTracking()
            .Where(r => r.JobName == name)
            .OrderByDescending(r => r.Revision)
            .ToListAsync(context.CancellationToken);
        await context.RespondAsync(new JobRevisionList(name, current.Value,
            revisions.Select(r => new JobRevisionDetails(r.Revision, r.Spec, r.Reason, r.CreatedAt, r.Revision == current)).ToList()));
    }
}

public sealed class ListJobsConsumer(OrchestratorDbContext db) : IConsumer<ListJobs>
{
    public async Task Consume(ConsumeContext<ListJobs> context)
    {
        var jobs = await db.Jobs.AsNoTracking().OrderBy(j => j.Name).ToListAsync(context.CancellationToken);
        var tasks = (await db.UnfinishedJobTasks().AsNoTracking().ToListAsync(context.CancellationToken)).ToLookup(t => t.JobName);
        var byName = jobs.ToDictionary(j => j.Name);
        await context.RespondAsync(new JobList(jobs.Select(job => job.IsGrouped
            // A job of groups counts its groups' tasks, each group also listed as a job of its own.
            ? job.ToDetails(job.GroupNames!
                .Select(group => byName.GetValueOrDefault(Domain.Jobs.JobSpec.GroupJobName(job.Name, group)))
                .OfType<Persistence.Entities.JobRecord>()
                .Select(g => (g, (IReadOnlyList<Persistence.Entities.TaskRecord>)tasks[g.Name].ToList()))
                .ToList())
            : job.ToDetails(tasks[job.Name].ToList())).ToList()));
    }
}
