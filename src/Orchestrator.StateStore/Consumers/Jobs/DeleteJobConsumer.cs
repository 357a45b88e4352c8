using MassTransit;
using Orchestrator.Contracts;
using Orchestrator.StateStore.Jobs;
using Orchestrator.StateStore.Persistence;
using Orchestrator.StateStore.Tasks;

namespace Orchestrator.StateStore.Consumers.Jobs;

/// <summary>Stops every task of a job and removes the job; the tasks and their history stay.</summary>
public sealed class DeleteJobConsumer(StateTransaction transaction, JobReconciler reconciler, TaskLifecycle lifecycle) : IConsumer<DeleteJob>
{
    public async Task Consume(ConsumeContext<DeleteJob> context)
    {
        var command = context.Message;
        var details = await transaction.RunAsync(async db =>
        {
            if (await reconciler.LockAsync(command.Name, context.CancellationToken) is not { } job)
                return null;
            job.Count = 0;
            job.UpdatedAt = lifecycle.Now;
            var tasks = await reconciler.ReconcileAsync(job, context.CancellationToken);
            db.Jobs.Remove(job);
            return job.ToDetails(tasks);
        }, context.CancellationToken);
        if (details is null)
            await context.RespondAsync(new JobNotFound(command.Name));
        else
            await context.RespondAsync(details);
    }
}
