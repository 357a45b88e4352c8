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
using Orchestrator.StateStore.Tasks;
using Orchestrator.StateStore.Telemetry;

namespace Orchestrator.StateStore.Jobs;

/// <summary>
/// Brings a job's tasks to what the job wants, as <see cref="JobRollout"/> plans it: starts the missing tasks, stops
/// the extra and outdated ones. Callers run inside a <see cref="StateTransaction"/> and hold the job's row lock
/// (<see cref="LockAsync"/>), so two reconciliations of one job, from the Api and from <see cref="JobMonitor"/> or
/// from two StateStore instances, never both start the same missing task. Each type of job has its own part of this
/// class: the rollout's verdict, batch, system, and the jobs that belong to a job (periodic runs, groups).
/// </summary>
public sealed partial class JobReconciler(OrchestratorDbContext db, TaskLifecycle lifecycle, AdmissionControl admission)
{
    /// <summary>The job, its row locked until the transaction ends; null if there is no such job.</summary>
    public async Task<JobRecord?> LockAsync(string name, CancellationToken cancellationToken) =>
        // Not composed on: EF Core would wrap the FOR UPDATE in a sub-select.
        (await db.Jobs
            .FromSqlRaw(_lockSql ??= LockSql(db.Model), name)
            .ToListAsync(cancellationToken))
        .SingleOrDefault();

    private static string? _lockSql;

    /// <summary>Locks a job's row, with the names the model maps (<see cref="SqlNames"/>).</summary>
    public static string LockSql(IModel model) =>
        $"SELECT * FROM {model.Table<JobRecord>()} WHERE {model.Column<JobRecord>(nameof(JobRecord.Name))} = {{0}} FOR UPDATE";

    /// <summary>
    /// Applies one step of the job's plan, and returns the job's unfinished tasks afterwards. <paramref name="why"/>,
    /// when given, is the reason the stopped tasks are told (e.g. the job's deletion); otherwise the plan's own.
    /// </summary>
    public async Task<IReadOnlyList<TaskRecord>> ReconcileAsync(JobRecord job, CancellationToken cancellationToken, string? why = null)
    {
        await RecordRevisionAsync(job, cancellationToken);
        if (job.IsPeriodic)
        {
            await ReconcilePeriodicAsync(job, cancellationToken);
            return [];
        }
        // A job of groups runs no task itself; the job of each group is reconciled as any other.
        if (job.IsGrouped)
            return [];
        if (job.Type == JobType.Batch)
            return await ReconcileBatchAsync(job, cancellationToken);
        if (job.Type == JobType.System)
            return await ReconcileSystemAsync(job, cancellationToken);
        var tasks = await db.UnfinishedJobTasks(job.Name).ToListAsync(cancellationToken);
        if (job.AwaitsVerdict)
            await JudgeRolloutAsync(job, tasks, cancellationToken);
        var live = tasks.Where(t => t.DesiredState == DesiredState.Running).ToList();
        var policy = job.UpdateOrDefault;
        var plan = JobRollout.Plan(
            job.Count, job.Revision, live.Select(t => AsJobTask(t, policy)).ToList(), job.RolloutOrder, policy.MaxParallel, job.CanariesWanted);

        foreach (var id in plan.Stop)
        {
            var task = live.Single(t => t.Id == id);
            lifecycle.RequestStop(task, why ?? StopReason(job, task));
        }
        job.ClearMessage();
        if (plan.Start > 0 && await MayStartAsync(job, cancellationToken))
            foreach (var slot in FreeSlots(job, plan.Start, tasks))
                tasks.Add(await StartAsync(job, slot, cancellationToken));
        if (job.CanariesWanted > 0 && live.Count(t => t.JobRevision == job.Revision && Serves(t, policy)) >= job.CanariesWanted)
            job.WaitForPromote();
        else if (live.Any(t => t.JobRevision != job.Revision))
            job.NoteRollout();
        else if (job.StableRevision != job.Revision && live.Count(t => Serves(t, policy)) >= job.Count && live.Count == job.Count)
            job.NoteStable();
        return tasks.Where(t => !t.IsTerminal).ToList();
    }

    /// <summary>Writes the job's current revision to its history the first time it is seen, keeping the newest few.</summary>
    private async Task RecordRevisionAsync(JobRecord job, CancellationToken cancellationToken)
    {
        if (job.UnrecordedRevision(lifecycle.Now) is not { } record)
            return;
        db.JobRevisions.Add(record);
        var oldest = record.Revision - JobRevisionRecord.Kept;
        await db.JobRevisions.Where(r => r.JobName == job.Name && r.Revision <= oldest).ExecuteDeleteAsync(cancellationToken);
    }

    /// <summary>Deletes the job and its history of revisions; its tasks and theirs stay.</summary>
    public async Task RemoveAsync(JobRecord job, CancellationToken cancellationToken)
    {
        db.Jobs.Remove(job);
        await db.JobRevisions.Where(r => r.JobName == job.Name).ExecuteDeleteAsync(cancellationToken);
    }

    /// <summary>Stops every live task of the job, e.g. because it is deleted; returns its unfinished tasks.</summary>
    public async Task<IReadOnlyList<TaskRecord>> StopAllAsync(JobRecord job, string why, CancellationToken cancellationToken)
    {
        var tasks = await db.UnfinishedJobTasks(job.Name).ToListAsync(cancellationToken);
        foreach (var task in tasks.Where(t => t.DesiredState == DesiredState.Running))
            lifecycle.RequestStop(task, why);
        return tasks.Where(t => !t.IsTerminal).ToList();
    }

    /// <summary>
    /// The slots the plan's new tasks take. A slot is held by a live task of the current revision; with volumes, by any
    /// task that has not ended, since a stopping task still writes them, and only up to the count, so that a
    /// replacement waits for its own slot rather than start a new one with empty volumes.
    /// </summary>
    private static IReadOnlyList<int> FreeSlots(JobRecord job, int starts, IReadOnlyList<TaskRecord> tasks)
    {
        if (job.RolloutOrder == RolloutOrder.StartFirst)
            return JobRollout.FreeSlots(starts, tasks
                .Where(t => !t.IsTerminal && t.DesiredState == DesiredState.Running && t.JobRevision == job.Revision)
                .Select(SlotOf));
        return JobRollout.FreeSlots(starts, tasks.Where(t => !t.IsTerminal).Select(SlotOf))
            .Where(slot => slot <= job.Count)
            .ToList();
    }

    // A task from before slots were recorded holds none.
    private static int SlotOf(TaskRecord task) => task.JobSlot ?? 0;

    private async Task<TaskRecord> StartAsync(JobRecord job, int slot, CancellationToken cancellationToken, Guid? node = null)
    {
        // A task started by the monitor (a replacement, a rollout's next step) has a trace of its own from here on;
        // one started by a user's request joins the request's trace.
        using var span = Activity.Current is null ? StateStoreTelemetry.Source.StartActivity("start job task") : null;
        span?.SetTag("orchestrator.job", job.Name);
        // A system job's task is pinned to its node, volumes and all.
        var volumeNode = job.Spec.HasVolumes && node is null ? await SlotVolumeNodeAsync(job.Name, slot, cancellationToken) : null;
        var task = TaskRecord.Submit(
            Guid.NewGuid(), job.TaskSpecFor(slot, node), lifecycle.Now, TaskTrace.Capture(), job.Name, job.Revision, slot, volumeNode);
        lifecycle.Submit(task);
        return task;
    }

    /// <summary>The node that holds the slot's volumes: that of the slot's latest task that was placed with them.</summary>
    private Task<Guid?> SlotVolumeNodeAsync(string job, int slot, CancellationToken cancellationToken) =>
        db.Tasks
            .Where(t => t.JobName == job && t.JobSlot == slot && t.VolumeNodeId != null)
            .OrderByDescending(t => t.CreatedAt)
            .Select(t => t.VolumeNodeId)
            .FirstOrDefaultAsync(cancellationToken);

    private JobTask AsJobTask(TaskRecord task, UpdatePolicy policy) =>
        new(task.Id, task.JobRevision ?? 0, Serves(task, policy), task.CreatedAt, SlotOf(task));

    private static string StopReason(JobRecord job, TaskRecord task) =>
        task.JobRevision != job.Revision
            ? $"job {job.Name} rolls out revision {job.Revision}{job.Because}"
            : $"job {job.Name} is scaled to {job.Count}";

    /// <summary>Whether the job may start tasks now; if not, the job's message says why.</summary>
    private async Task<bool> MayStartAsync(JobRecord job, CancellationToken cancellationToken)
    {
        if (admission.Refusal() is { } refusal)
        {
            job.WaitForAdmission(refusal);
            return false;
        }
        var since = lifecycle.Now - JobRollout.FailureWindow;
        var failures = await db.Tasks
            .Where(t => t.JobName == job.Name && t.JobRevision == job.Revision && t.State == TaskState.Failed && t.FinishedAt > since)
            .Select(t => t.FinishedAt!.Value)
            .ToListAsync(cancellationToken);
        if (failures.Count == 0)
            return true;
        var resumeAt = failures.Max() + JobRollout.ReplacementDelay(failures.Count);
        if (resumeAt <= lifecycle.Now)
            return true;
        job.HoldBack(resumeAt, failures.Count);
        return false;
    }
}
