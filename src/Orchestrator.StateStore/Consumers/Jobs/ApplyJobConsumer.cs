using MassTransit;
using Microsoft.EntityFrameworkCore;
using Npgsql;
using Orchestrator.Contracts;
using Orchestrator.StateStore.Admission;
using Orchestrator.StateStore.Jobs;
using Orchestrator.StateStore.Persistence;
using Orchestrator.StateStore.Persistence.Entities;
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
        object applied;
        try
        {
            applied = await ApplyAsync(context.Message, context.CancellationToken);
        }
        catch (DbUpdateException error) when (error.InnerException is PostgresException { SqlState: PostgresErrorCodes.UniqueViolation })
        {
            // Two requests created the same new job at once; the other one's job now exists, and this one updates it.
            applied = await ApplyAsync(context.Message, context.CancellationToken);
        }
        await context.RespondAsync(applied);
    }

    /// <summary>The job applied (<see cref="JobApplied"/>), or why it cannot be (<see cref="JobChangeRefused"/>).</summary>
    private Task<object> ApplyAsync(ApplyJob command, CancellationToken cancellationToken) =>
        transaction.RunAsync<object>(async db =>
        {
            var job = await reconciler.LockAsync(command.Name, cancellationToken);
            var created = job is null;
            if (job is null)
            {
                job = JobRecord.Create(command.Name, command.Spec, lifecycle.Now);
                db.Jobs.Add(job);
            }
            else if (job.RefusalOf(command.Spec) is { } refusal)
                return new JobChangeRefused(command.Name, refusal);
            else
                job.Apply(command.Spec, lifecycle.Now);
            var tasks = await reconciler.ReconcileAsync(job, cancellationToken);
            return new JobApplied(created, job.ToDetails(tasks, job.IsPeriodic ? await reconciler.RunsOfAsync(job, cancellationToken) : null));
        }, cancellationToken);
}
