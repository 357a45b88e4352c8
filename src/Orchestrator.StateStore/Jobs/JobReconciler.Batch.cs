using System.Diagnostics;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata;
using Orchestrator.Domain.Jobs;
using Orchestrator.Domain.Scheduling;
using Orchestrator.Domain.Nodes;
using Orchestrator.Domain.Tasks;
using Orchestrator.StateStore.Admission;
using Orchestrator.StateStore.Persistence;
using Orchestrator.StateStore.Persistence.Entities;
using Orchestrator.StateStore.Persistence.Queries;
using Orchestrator.StateStore.Telemetry;

namespace Orchestrator.StateStore.Jobs;

/// <summary>A batch job: tasks until its completions have succeeded (<see cref="BatchRun"/>).</summary>
public sealed partial class JobReconciler
{
    /// <summary>
    /// One step of a batch job (<see cref="BatchRun"/>): reads its tasks of the current revision, stops those of older
    /// revisions, starts what the plan says, and records where the job stands. A job that has ended is left alone
    /// until a new spec or new settings reopen it.
    /// </summary>
    private async Task<IReadOnlyList<TaskRecord>> ReconcileBatchAsync(JobRecord job, CancellationToken cancellationToken)
    {
        var unfinished = await db.UnfinishedJobTasks(job.Name).ToListAsync(cancellationToken);
        if (job.HasEnded)
            return unfinished;
        foreach (var outdated in unfinished.Where(t => t.JobRevision != job.Revision && t.DesiredState == DesiredState.Running))
            lifecycle.RequestStop(outdated, $"job {job.Name} runs revision {job.Revision}{job.Because}");

        var tasks = await db.Tasks
            .Where(t => t.JobName == job.Name && t.JobRevision == job.Revision)
            .ToListAsync(cancellationToken);
        var plan = BatchRun.Plan(job.Completions!.Value, job.Parallelism!.Value, job.MaxRetries!.Value, tasks.Select(AsBatchTask).ToList());
        var why = plan.Status == JobStatus.Complete ? $"job {job.Name} is complete" : $"job {job.Name} failed";
        foreach (var id in plan.Stop)
            lifecycle.RequestStop(tasks.Single(t => t.Id == id), why);
        job.ClearMessage();
        var lastFailure = tasks.Where(t => AsBatchTask(t).Outcome == BatchOutcome.Failed).MaxBy(t => t.FinishedAt);
        job.NoteBatch(plan, lifecycle.Now, lastFailure is null ? null : $"{lastFailure.Name}: {lastFailure.Message}");
        if (plan.Start.Count > 0 && await MayStartAsync(job, cancellationToken))
            foreach (var slot in plan.Start)
                unfinished.Add(await StartAsync(job, slot, cancellationToken));
        return unfinished.Where(t => !t.IsTerminal).ToList();
    }

    private static BatchTask AsBatchTask(TaskRecord task) => new(task.Id, SlotOf(task), task switch
    {
        { IsTerminal: false, DesiredState: DesiredState.Running } => BatchOutcome.Live,
        { IsTerminal: false } or { DesiredState: DesiredState.Stopped } => BatchOutcome.Stopped,
        { State: TaskState.Completed, ExitCode: null or 0 } => BatchOutcome.Succeeded,
        _ => BatchOutcome.Failed,
    });
}
