using MassTransit;
using Orchestrator.Contracts;
using Orchestrator.StateStore.Jobs;
using Orchestrator.StateStore.Persistence;
using Orchestrator.StateStore.Persistence.Entities;
using Orchestrator.StateStore.Tasks;

namespace Orchestrator.StateStore.Consumers.Jobs;

/// <summary>
/// Changes to a job that exists: a new count, or its deletion (count 0, then the job is removed; its tasks and their
/// history stay). Either way its tasks are started or stopped in the same transaction.
/// </summary>
public sealed class ExistingJobConsumer(StateTransaction transaction, JobReconciler reconciler, TaskLifecycle lifecycle)
    : IConsumer<ScaleJob>, IConsumer<DeleteJob>
{
    public Task Consume(ConsumeContext<ScaleJob> context) =>
        ChangeAsync(context, context.Message.Name, context.Message.Count, remove: false);

    public Task Consume(ConsumeContext<DeleteJob> context) =>
        ChangeAsync(context, context.Message.Name, count: 0, remove: true);

    private async Task ChangeAsync(ConsumeContext context, string name, int count, bool remove)
    {
        var details = await transaction.RunAsync(async db =>
        {
            if (await reconciler.LockAsync(name, context.CancellationToken) is not JobRecord job)
                return null;
            job.ScaleTo(count, lifecycle.Now);
            var tasks = await reconciler.ReconcileAsync(job, context.CancellationToken, remove ? $"job {name} is deleted" : null);
            if (remove)
                db.Jobs.Remove(job);
            return job.ToDetails(tasks);
        }, context.CancellationToken);
        if (details is null)
            await context.RespondAsync(new JobNotFound(name));
        else
            await context.RespondAsync(details);
    }
}
