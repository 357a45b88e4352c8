using Microsoft.EntityFrameworkCore;
using MassTransit;
using Orchestrator.Contracts;
using Orchestrator.Domain.Jobs;
using Orchestrator.StateStore.Jobs;
using Orchestrator.StateStore.Persistence;
using Orchestrator.StateStore.Persistence.Entities;
using Orchestrator.StateStore.Persistence.Queries;
using Orchestrator.StateStore.Tasks;

namespace Orchestrator.StateStore.Consumers.Jobs;

/// <summary>
/// Changes to a job that exists: a new count, its deletion (its tasks and their history stay), a restart, a revert,
/// a promote of its canaries, a periodic job's run started now. Each is one transaction under the job's row lock, in
/// which its tasks are started or stopped, and is answered with the job (<see cref="JobDetails"/>),
/// <see cref="JobNotFound"/>, or <see cref="JobChangeRefused"/> saying why the job cannot take it.
/// </summary>
public sealed class ExistingJobConsumer(StateTransaction transaction, JobReconciler reconciler, TaskLifecycle lifecycle)
    : IConsumer<ScaleJob>, IConsumer<DeleteJob>, IConsumer<RunJobNow>, IConsumer<PromoteJob>, IConsumer<RestartJob>, IConsumer<RevertJob>
{
    public Task Consume(ConsumeContext<ScaleJob> context) =>
        AnswerAsync(context, context.Message.Name, async (job, _, cancellationToken) =>
        {
            if (context.Message.Parent is { } parent && job.ParentJob != parent)
                return new JobNotFound(job.Name);
            if (job.IsGrouped)
                return Refused(job, $"job {job.Name} has groups, each with its own count: scale one of them (orchestrator job scale {job.Name} GROUP COUNT)");
            if (job.Type != JobType.Service)
                return Refused(job, job.Type == JobType.System
                    ? $"job {job.Name} is a system job, which runs one task on every eligible node and has no count to scale; choose its nodes with constraints"
                    : $"job {job.Name} is a batch job, which has no count to scale; change its completions or parallelism with a new spec");
            job.ScaleTo(context.Message.Count, lifecycle.Now);
            return job.ToDetails(await reconciler.ReconcileAsync(job, cancellationToken));
        });

    public Task Consume(ConsumeContext<DeleteJob> context) =>
        AnswerAsync(context, context.Message.Name, async (job, _, cancellationToken) =>
        {
            job.ScaleTo(0, lifecycle.Now);
            if (job.IsPeriodic || job.IsGrouped)
                await reconciler.DeleteChildrenAsync(job, cancellationToken);
            var stopping = await reconciler.StopAllAsync(job, $"job {job.Name} is deleted", cancellationToken);
            await reconciler.RemoveAsync(job, cancellationToken);
            return job.ToDetails(stopping);
        });

    /// <summary>A restart: each group's, for a job of groups.</summary>
    public Task Consume(ConsumeContext<RestartJob> context) =>
        AnswerAsync(context, context.Message.Name, async (job, db, cancellationToken) =>
        {
            if (!job.IsGrouped)
                return job.Restart(lifecycle.Now) is { } refusal
                    ? Refused(job, refusal)
                    : job.ToDetails(await reconciler.ReconcileAsync(job, cancellationToken));
            var restarted = new List<(JobRecord, IReadOnlyList<TaskRecord>)>();
            foreach (var (group, _) in await db.GroupsOfAsync(job, tracked: false, cancellationToken))
            {
                var locked = (await reconciler.LockAsync(group.Name, cancellationToken))!;
                if (locked.Restart(lifecycle.Now) is { } refusal)
                    return Refused(job, refusal);
                restarted.Add((locked, await reconciler.ReconcileAsync(locked, cancellationToken)));
            }
            return job.ToDetails(restarted);
        });

    public Task Consume(ConsumeContext<RevertJob> context) =>
        AnswerAsync(context, context.Message.Name, async (job, db, cancellationToken) =>
        {
            var (name, revision) = (job.Name, context.Message.Revision);
            if (job.IsGrouped || job.IsPeriodic)
                return Refused(job, job.IsGrouped
                    ? $"job {name} has groups, each with its own revisions: revert one group's job ({name}-GROUP)"
                    : $"job {name} is periodic: apply the spec you want, and its next runs take it");
            var target = await db.JobRevisions.AsNoTracking()
                .FirstOrDefaultAsync(r => r.JobName == name && r.Revision == revision, cancellationToken);
            if (target is null)
                return Refused(job, $"job {name} keeps no revision {revision}");
            if (JsonColumn.Serialize(target.Spec with { Name = name }) != JsonColumn.Serialize(job.Spec))
            {
                job.RevertTo(revision, target.Spec, lifecycle.Now);
                JobReconciler.AdoptLiveTasks(job, revision, await db.UnfinishedJobTasks(name).ToListAsync(cancellationToken));
            }
            return job.ToDetails(await reconciler.ReconcileAsync(job, cancellationToken));
        });

    public Task Consume(ConsumeContext<PromoteJob> context) =>
        AnswerAsync(context, context.Message.Name, async (job, _, cancellationToken) =>
            job.Promote(lifecycle.Now) is { } refusal
                ? Refused(job, refusal)
                : job.ToDetails(await reconciler.ReconcileAsync(job, cancellationToken)));

    public Task Consume(ConsumeContext<RunJobNow> context) =>
        AnswerAsync(context, context.Message.Name, async (job, _, cancellationToken) =>
        {
            if (!job.IsPeriodic)
                return Refused(job, $"job {job.Name} is not periodic: only a job with a schedule has runs to start");
            // A run's name carries its time in seconds: two asked for within one second would share it.
            var now = DateTimeOffset.FromUnixTimeSeconds(lifecycle.Now.ToUnixTimeSeconds());
            if (await reconciler.LockAsync(job.RunName(now), cancellationToken) is not null)
                return Refused(job, $"run {job.RunName(now)} was started this second; ask again in a second");
            var (run, tasks) = await reconciler.StartRunAsync(job, now, scheduled: false, cancellationToken);
            return run.ToDetails(tasks);
        });

    private static JobChangeRefused Refused(JobRecord job, string why) => new(job.Name, why);

    /// <summary>
    /// Runs <paramref name="change"/> on the job, locked, in one transaction, and answers with what it returns, or
    /// <see cref="JobNotFound"/> when there is no such job.
    /// </summary>
    private Task AnswerAsync<T>(
        ConsumeContext<T> context, string name, Func<JobRecord, OrchestratorDbContext, CancellationToken, Task<object>> change) where T : class =>
        transaction.AnswerAsync(context, async db =>
            await reconciler.LockAsync(name, context.CancellationToken) is { } job
                ? await change(job, db, context.CancellationToken)
                : new JobNotFound(name));
}
