using MassTransit;
using Microsoft.EntityFrameworkCore;
using Npgsql;
using Orchestrator.Contracts;
using Orchestrator.Domain.Jobs;
using Orchestrator.StateStore.Admission;
using Orchestrator.StateStore.Jobs;
using Orchestrator.StateStore.Persistence;
using Orchestrator.StateStore.Persistence.Entities;
using Orchestrator.StateStore.Services;
using Orchestrator.StateStore.Tasks;

namespace Orchestrator.StateStore.Consumers.Jobs;

/// <summary>Creates a job or changes it, and starts on its tasks in the same transaction.</summary>
public sealed class ApplyJobConsumer(StateTransaction transaction, JobReconciler reconciler, TaskLifecycle lifecycle, AdmissionControl admission)
    : IConsumer<ApplyJob>
{
    public async Task Consume(ConsumeContext<ApplyJob> context)
    {
        if (admission.Refusal() is { } refusal)
        {
            await context.RespondAsync(new SubmissionRefused(refusal, admission.RetryAfter));
            return;
        }
        try
        {
            await transaction.AnswerAsync(context, db => ApplyAsync(db, context.Message, context.CancellationToken));
        }
        catch (DbUpdateException error) when (error.InnerException is PostgresException { SqlState: PostgresErrorCodes.UniqueViolation })
        {
            // Two requests created the same new job at once; the other one's job now exists, and this one updates it.
            await transaction.AnswerAsync(context, db => ApplyAsync(db, context.Message, context.CancellationToken));
        }
    }

    /// <summary>The job applied (<see cref="JobApplied"/>), or why it cannot be (<see cref="JobChangeRefused"/>).</summary>
    private Task<object> ApplyAsync(OrchestratorDbContext db, ApplyJob command, CancellationToken cancellationToken) =>
        command.Spec.Groups is null ? ApplyOneAsync(db, command, cancellationToken) : ApplyGroupsAsync(db, command, cancellationToken);

    /// <summary>
    /// A job of groups: the job itself, and for each group the job that runs it (<c>JOB-GROUP</c>), created or
    /// changed, and reconciled; the jobs of groups no longer listed are deleted. Everything is checked before anything
    /// changes, so a refusal leaves all as it was.
    /// </summary>
    private async Task<object> ApplyGroupsAsync(OrchestratorDbContext db, ApplyJob command, CancellationToken cancellationToken)
    {
        var (name, spec) = (command.Name, command.Spec);
        var job = await reconciler.LockAsync(name, cancellationToken);
        if (job?.RefusalOf(spec) is { } refusal)
            return new JobChangeRefused(name, refusal);
        var groups = new List<(JobSpec Spec, string Name, JobRecord? Job)>();
        foreach (var group in spec.Groups!)
        {
            var groupName = JobSpec.GroupJobName(name, group.Name);
            var groupJob = await reconciler.LockAsync(groupName, cancellationToken);
            if (groupJob is not null && groupJob.ParentJob != name)
                return new JobChangeRefused(name, $"group {group.Name} would be run by a job named {groupName}, and another job has that name");
            if (groupJob?.RefusalOf(spec.ForGroup(group)) is { } groupRefusal)
                return new JobChangeRefused(name, $"group {group.Name}: {groupRefusal}");
            groups.Add((spec.ForGroup(group), groupName, groupJob));
        }
        var claims = groups.Select(g => (g.Name, g.Spec.TaskSpecFor(g.Name))).ToList();
        if (await RouteClaims.ConflictAsync(db, claims, [name, .. groups.Select(g => g.Name)], cancellationToken) is { } conflict)
            return new JobChangeRefused(name, conflict);

        var created = job is null;
        if (job is null)
        {
            job = JobRecord.Create(name, spec, lifecycle.Now);
            db.Jobs.Add(job);
        }
        else
            job.ApplyGroups(spec, lifecycle.Now);
        await reconciler.DeleteChildrenAsync(job, cancellationToken, except: groups.Select(g => g.Name).ToList());
        var applied = new List<(JobRecord Group, IReadOnlyList<TaskRecord> Tasks)>();
        foreach (var (groupSpec, groupName, existing) in groups)
        {
            var groupJob = existing;
            if (groupJob is null)
            {
                groupJob = JobRecord.Create(groupName, groupSpec, lifecycle.Now, parent: name);
                db.Jobs.Add(groupJob);
            }
            else
                groupJob.Apply(groupSpec, lifecycle.Now);
            applied.Add((groupJob, await reconciler.ReconcileAsync(groupJob, cancellationToken)));
        }
        return new JobApplied(created, job.ToDetails(applied));
    }

    private async Task<object> ApplyOneAsync(OrchestratorDbContext db, ApplyJob command, CancellationToken cancellationToken)
    {
        var job = await reconciler.LockAsync(command.Name, cancellationToken);
        if (job?.RefusalOf(command.Spec) is { } refusal)
            return new JobChangeRefused(command.Name, refusal);
        if (await RouteClaims.ConflictAsync(db, [(command.Name, command.Spec.TaskSpecFor(command.Name))], [command.Name], cancellationToken) is { } conflict)
            return new JobChangeRefused(command.Name, conflict);
        var created = job is null;
        if (job is null)
        {
            job = JobRecord.Create(command.Name, command.Spec, lifecycle.Now);
            db.Jobs.Add(job);
        }
        else
            job.Apply(command.Spec, lifecycle.Now);
        var tasks = await reconciler.ReconcileAsync(job, cancellationToken);
        return new JobApplied(created, job.ToDetails(tasks, job.IsPeriodic ? await reconciler.RunsOfAsync(job, cancellationToken) : null));
    }
}
