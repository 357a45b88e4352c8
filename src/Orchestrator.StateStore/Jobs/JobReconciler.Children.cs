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

/// <summary>The jobs that belong to a job: a periodic job's runs, and a job's groups.</summary>
public sealed partial class JobReconciler
{
    /// <summary>
    /// One step of a periodic job, which runs no task itself: starts the run that is due, as its overlap policy says
    /// when a run is still going, and deletes the finished runs beyond the ones it keeps (their tasks stay).
    /// </summary>
    private async Task ReconcilePeriodicAsync(JobRecord job, CancellationToken cancellationToken)
    {
        var now = lifecycle.Now;
        if (job.DueRun(now) is { } due)
        {
            var running = await db.Jobs
                .Where(r => r.ParentJob == job.Name && r.Status == JobStatus.Running)
                .OrderBy(r => r.ScheduledAt)
                .Select(r => r.Name)
                .ToListAsync(cancellationToken);
            if (running.Count > 0 && job.Overlap == OverlapPolicy.Skip)
                job.SkipRun(due, $"{running[0]} is still running (overlap: skip)", now);
            else if (await LockAsync(job.RunName(due), cancellationToken) is not null)
                job.SkipRun(due, $"{job.RunName(due)} was started by run-now in that second", now);
            else
            {
                if (job.Overlap == OverlapPolicy.Replace)
                    foreach (var name in running)
                        await CancelRunAsync(name, $"replaced by {job.RunName(due)}", cancellationToken);
                await StartRunAsync(job, due, scheduled: true, cancellationToken);
            }
        }
        await TrimRunsAsync(job, cancellationToken);
    }

    /// <summary>Starts a run of a periodic job due at <paramref name="due"/>, and its first tasks; returns the run and its tasks.</summary>
    public async Task<(JobRecord Run, IReadOnlyList<TaskRecord> Tasks)> StartRunAsync(
        JobRecord job, DateTimeOffset due, bool scheduled, CancellationToken cancellationToken)
    {
        var run = job.StartRun(due, lifecycle.Now, scheduled);
        db.Jobs.Add(run);
        return (run, await ReconcileBatchAsync(run, cancellationToken));
    }

    /// <summary>Stops a periodic job's run before it finished: its tasks are stopped, and it ends Failed saying why.</summary>
    private async Task CancelRunAsync(string name, string why, CancellationToken cancellationToken)
    {
        if (await LockAsync(name, cancellationToken) is not { } run || run.HasEnded)
            return;
        await StopAllAsync(run, $"job {name} is {why}", cancellationToken);
        run.Cancel(why, lifecycle.Now);
    }

    /// <summary>Deletes a periodic job's finished runs beyond the newest <c>keepRuns</c>; their tasks and history stay.</summary>
    private async Task TrimRunsAsync(JobRecord job, CancellationToken cancellationToken)
    {
        var old = await db.Jobs
            .Where(r => r.ParentJob == job.Name && r.Status != JobStatus.Running)
            .OrderByDescending(r => r.ScheduledAt)
            .Skip(job.KeepRuns!.Value)
            .Select(r => r.Name)
            .ToListAsync(cancellationToken);
        foreach (var name in old)
            if (await LockAsync(name, cancellationToken) is { } run)
                await RemoveAsync(run, cancellationToken);
    }

    /// <summary>
    /// Deletes the jobs a periodic job's runs or a job's groups are, with it, stopping their tasks; the tasks' history
    /// stays. <paramref name="except"/> names groups to keep.
    /// </summary>
    public async Task DeleteChildrenAsync(JobRecord job, CancellationToken cancellationToken, IReadOnlyCollection<string>? except = null)
    {
        var names = await db.Jobs.Where(r => r.ParentJob == job.Name).Select(r => r.Name).ToListAsync(cancellationToken);
        foreach (var name in names.Where(n => except?.Contains(n) != true))
            if (await LockAsync(name, cancellationToken) is { } run)
            {
                await StopAllAsync(run, $"job {job.Name} is deleted", cancellationToken);
                await RemoveAsync(run, cancellationToken);
            }
    }

    /// <summary>A periodic job's runs, newest first.</summary>
    public async Task<IReadOnlyList<JobRecord>> RunsOfAsync(JobRecord job, CancellationToken cancellationToken) =>
        await db.Jobs.Where(r => r.ParentJob == job.Name).OrderByDescending(r => r.ScheduledAt).ToListAsync(cancellationToken);
}
