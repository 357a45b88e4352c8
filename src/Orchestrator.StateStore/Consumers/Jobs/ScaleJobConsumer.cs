using MassTransit;
using Orchestrator.Contracts;
using Orchestrator.StateStore.Jobs;
using Orchestrator.StateStore.Persistence;
using Orchestrator.StateStore.Tasks;

namespace Orchestrator.StateStore.Consumers.Jobs;

/// <summary>Changes a job's count and starts or stops its tasks in the same transaction.</summary>
public sealed class ScaleJobConsumer(StateTransaction transaction, JobReconciler reconciler, TaskLifecycle lifecycle) : IConsumer<ScaleJob>
{
    public async Task Consume(ConsumeContext<ScaleJob> context)
    {
        var command = context.Message;
        var details = await transaction.RunAsync(async _ =>
        {
            if (await reconciler.LockAsync(command.Name, context.CancellationToken) is not { } job)
                return null;
            job.Count = command.Count;
            job.UpdatedAt = lifecycle.Now;
            return job.ToDetails(await reconciler.ReconcileAsync(job, context.CancellationToken));
        }, context.CancellationToken);
        if (details is null)
            await context.RespondAsync(new JobNotFound(command.Name));
        else
            await context.RespondAsync(details);
    }
}
