using Microsoft.EntityFrameworkCore;
using MassTransit;
using Orchestrator.Contracts;
using Orchestrator.Domain.Jobs;
using Orchestrator.StateStore.Jobs;
using Orchestrator.StateStore.Persistence;
using Orchestrator.StateStore.Persistence.Entities;
using Orchestrator.StateStore.Tasks;

namespace Orchestrator.StateStore.Consumers.Jobs;

/// <summary>
/// Changes to a job that exists: a new count, or its deletion (count 0, then the job is removed; its tasks and their
/// history stay). Either way its tasks are started or stopped in the same transaction. A batch job has no count to
/// change: its scale is refused (<see cref="JobChangeRefused"/>).
/// </summary>
public sealed class ExistingJobConsumer(StateTransaction transaction, JobReconciler reconciler, TaskLifecycle lifecycle)
    : IConsumer<ScaleJob>, IConsumer<DeleteJob>, IConsumer<RunJobNow>, IConsumer<PromoteJob>, IConsumer<RestartJob>, IConsumer<RevertJob>
{
    public async Task Consume(ConsumeContext<RestartJob> context)
    {
        var name = context.Message.Name;
        var answer = await transaction.RunAsync<object>(async db =>
        {
            if (await reconciler.LockAsync(name, context.CancellationToken) is not JobRecord job)
                return new JobNotFound(name);
            if (!job.IsGrouped)
            {
                if (job.Restart(lifecycle.Now) is { } refusal)
                    return new JobChangeRefused(name, refusal);
                return job.ToDetails(await reconciler.ReconcileAsync(job, context.CancellationToken));
            }
            var restarted = new List<(JobRecord, IReadOnlyList<TaskRecord>)>();
            foreach (var (group, _) in await reconciler.GroupsOfAsync(job, tracked: false, context.CancellationToken))
            {
                var locked = (await reconciler.LockAsync(group.Name, context.CancellationToken))!;
                if (locked.Restart(lifecycle.Now) is { } refusal)
                    return new JobChangeRefused(name, refusal);
                restarted.Add((locked, await reconciler.ReconcileAsync(locked, context.CancellationToken)));
            }
            return job.ToDetails(restarted);
        }, context.CancellationToken);
        await context.RespondAsync(answer);
    }

    public async Task Consume(ConsumeContext<RevertJob> context)
    {
        var (name, revision) = (context.Message.Name, context.Message.Revision);
        var answer = await transaction.RunAsync<object>(async db =>
        {
            if (await reconciler.LockAsync(name, context.CancellationToken) is not JobRecord job)
                return new JobNotFound(name);
            if (job.IsGrouped || job.IsPeriodic)
                return new JobChangeRefused(name, job.IsGrouped
                    ? $"job {name} has groups, each with its own revisions: revert one group's job ({name}-GROUP)"
                    : $"job {name} is periodic: apply the spec you want, and its next runs take it");
            var target = await db.JobRevisions.AsNoTracking()
                .FirstOrDefaultAsync(r => r.JobName == name && r.Revision == revision, context.CancellationToken);
            if (target is null)
                return new JobChangeRefused(name, $"job {name} keeps no revision {revision}");
            if (JsonColumn.Serialize(target.Spec with { Name = name }) != JsonColumn.Serialize(job.Spec))
            {
                job.RevertTo(revision, target.Spec, lifecycle.Now);
                JobReconciler.AdoptLiveTasks(job, revision, await db.UnfinishedJobTasks(name).ToListAsync(context.CancellationToken));
            }
            return job.ToDetails(await reconciler.ReconcileAsync(job, context.CancellationToken));
        }, context.CancellationToken);
        await context.RespondAsync(answer);
    }

    public async Task Consume(ConsumeContext<PromoteJob> context)
    {
        var name = context.Message.Name;
        var answer = await transaction.RunAsync<object>(async db =>
        {
            if (await reconciler.LockAsync(name, context.CancellationToken) is not JobRecord job)
                return new JobNotFound(name);
            if (job.Promote(lifecycle.Now) is { } refusal)
                return new JobChangeRefused(name, refusal);
            return job.ToDetails(await reconciler.ReconcileAsync(job, context.CancellationToken));
        }, context.CancellationToken);
        await context.RespondAsync(answer);
    }

    public async Task Consume(ConsumeContext<RunJobNow> context)
    {
        var name = context.Message.Name;
        var answer = await transaction.RunAsync<object>(async db =>
        {
            if (await reconciler.LockAsync(name, context.CancellationToken) is not JobRecord job)
                return new JobNotFound(name);
            if (!job.IsPeriodic)
                return new JobChangeRefused(name, $"job {name} is not periodic: only a job with a schedule has runs to start");
            // A run's name carries its time in seconds: two asked for within one second would share it.
            var now = DateTimeOffset.FromUnixTimeSeconds(lifecycle.Now.ToUnixTimeSeconds());
            if (await reconciler.LockAsync(job.RunName(now), context.CancellationToken) is not null)
                return new JobChangeRefused(name, $"run {job.RunName(now)} was started this second; ask again in a second");
            var (run, tasks) = await reconciler.StartRunAsync(job, now, scheduled: false, context.CancellationToken);
            return run.ToDetails(tasks);
        }, context.CancellationToken);
        await context.RespondAsync(answer);
    }

    public Task Consume(ConsumeContext<ScaleJob> context) =>
        ChangeAsync(context, context.Message.Name, context.Message.Count, remove: false, context.Message.Parent);

    public Task Consume(ConsumeContext<DeleteJob> context) =>
        ChangeAsync(context, context.Message.Name, count: 0, remove: true);

    private async Task ChangeAsync(ConsumeContext context, string name, int count, bool remove, string? parent = null)
    {
        var answer = await transaction.RunAsync<object>(async db =>
        {
            if (await reconciler.LockAsync(name, context.CancellationToken) is not JobRecord job || (parent is not null && job.ParentJob != parent))
                return new JobNotFound(name);
            if (job.IsGrouped && !remove)
                return new JobChangeRefused(name, $"job {name} has groups, each with its own count: scale one of them (orchestrator job scale {name} GROUP COUNT)");
            if (remove)
            {
                job.ScaleTo(0, lifecycle.Now);
                if (job.IsPeriodic || job.IsGrouped)
                    await reconciler.DeleteChildrenAsync(job, context.CancellationToken);
                var stopping = await reconciler.StopAllAsync(job, $"job {name} is deleted", context.CancellationToken);
                await reconciler.RemoveAsync(job, context.CancellationToken);
                return job.ToDetails(stopping);
            }
            if (job.Type != JobType.Service)
                return new JobChangeRefused(name, job.Type == JobType.System
                    ? $"job {name} is a system job, which runs one task on every eligible node and has no count to scale; choose its nodes with constraints"
                    : $"job {name} is a batch job, which has no count to scale; change its completions or parallelism with a new spec");
            job.ScaleTo(count, lifecycle.Now);
            return job.ToDetails(await reconciler.ReconcileAsync(job, context.CancellationToken));
        }, context.CancellationToken);
        await context.RespondAsync(answer);
    }
}
