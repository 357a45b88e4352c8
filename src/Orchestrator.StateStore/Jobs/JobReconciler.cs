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
using Orchestrator.StateStore.Tasks;
using Orchestrator.StateStore.Telemetry;

namespace Orchestrator.StateStore.Jobs;

/// <summary>
/// Brings a job's tasks to what the job wants, as <see cref="JobRollout"/> plans it: starts the missing tasks, stops
/// the extra and outdated ones. Callers run inside a <see cref="StateTransaction"/> and hold the job's row lock
/// (<see cref="LockAsync"/>), so two reconciliations of one job, from the Api and from <see cref="JobMonitor"/> or
/// from two StateStore instances, never both start the same missing task.
/// </summary>
public sealed class JobReconciler(OrchestratorDbContext db, TaskLifecycle lifecycle, AdmissionControl admission)
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

    /// <summary>
    /// Judges the current revision's rollout (<see cref="RolloutVerdict"/>): past its progress deadline without
    /// serving, it is marked failed and the rollout goes on trying (the old tasks serve meanwhile, as a rollout never
    /// stops them before new ones serve); or, with <c>autoRevert</c>, it is replaced by the last revision that rolled
    /// out, whose tasks still running are adopted by the new revision so that they are left as they are.
    /// </summary>
    private async Task JudgeRolloutAsync(JobRecord job, IReadOnlyList<TaskRecord> unfinished, CancellationToken cancellationToken)
    {
        var policy = job.UpdateOrDefault;
        var revisionTasks = await db.Tasks
            .Where(t => t.JobName == job.Name && t.JobRevision == job.Revision)
            .ToListAsync(cancellationToken);
        var wanted = job.CanariesWanted > 0 ? job.CanariesWanted : job.Count;
        var judged = revisionTasks
            .Where(t => t.DesiredState == DesiredState.Running || t.State == TaskState.Failed)
            .Select(t => new RevisionTask(t.StartedAt, t.State == TaskState.Failed ? t.FinishedAt : null, Serves(t, policy) ? t.ServingSince : null))
            .ToList();
        if (RolloutVerdict.Failure(job.Revision, policy, judged, wanted, lifecycle.Now, LastProblem(revisionTasks)) is not { } failure)
            return;
        if (!policy.AutoRevert)
        {
            job.FailRevision(failure, lifecycle.Now);
            return;
        }
        var restored = job.RevertAfter(failure, lifecycle.Now);
        AdoptLiveTasks(job, restored, unfinished);
        await RecordRevisionAsync(job, cancellationToken);
    }

    /// <summary>
    /// The job went back to <paramref name="revision"/>'s spec as its current revision: the live tasks of that revision
    /// are of the current one now, so the rollout leaves them running instead of replacing them with copies.
    /// </summary>
    public static void AdoptLiveTasks(JobRecord job, int revision, IEnumerable<TaskRecord> unfinished)
    {
        foreach (var task in unfinished.Where(t => t.JobRevision == revision && t.DesiredState == DesiredState.Running))
            task.AdoptRevision(job.Revision);
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

    /// <summary>What last went wrong with the revision's tasks, for the verdict: a failing probe, or how one ended.</summary>
    private static string? LastProblem(IReadOnlyList<TaskRecord> tasks) =>
        tasks.OrderByDescending(t => t.CreatedAt)
            .Select(t => t switch
            {
                { LastProbeResult: { } probe, IsAvailable: false, IsTerminal: false } => $"health check: {probe}",
                { State: TaskState.Failed, Message: { } message } => message,
                _ => null,
            })
            .FirstOrDefault(problem => problem is not null);

    /// <summary>Whether a task serves, and has for the rollout's minimum, so that it counts as one of the new ones.</summary>
    private bool Serves(TaskRecord task, UpdatePolicy policy) =>
        task.ServingSince is { } since && lifecycle.Now - since >= policy.MinHealthy;

    /// <summary>Stops every live task of the job, e.g. because it is deleted; returns its unfinished tasks.</summary>
    public async Task<IReadOnlyList<TaskRecord>> StopAllAsync(JobRecord job, string why, CancellationToken cancellationToken)
    {
        var tasks = await db.UnfinishedJobTasks(job.Name).ToListAsync(cancellationToken);
        foreach (var task in tasks.Where(t => t.DesiredState == DesiredState.Running))
            lifecycle.RequestStop(task, why);
        return tasks.Where(t => !t.IsTerminal).ToList();
    }

    /// <summary>
    /// One step of a system job (<see cref="SystemRollout"/>): a task pinned to each eligible node, none elsewhere, and
    /// a new revision rolled out one node at a time.
    /// </summary>
    private async Task<IReadOnlyList<TaskRecord>> ReconcileSystemAsync(JobRecord job, CancellationToken cancellationToken)
    {
        var tasks = await db.UnfinishedJobTasks(job.Name).ToListAsync(cancellationToken);
        var nodes = await db.LoadSnapshotsAsync(onlyNodes: null, cancellationToken);
        var eligible = nodes.Where(n => CandidateFilter.IsEligible(job.Spec, n)).Select(n => n.Id).ToHashSet();
        var down = nodes.Where(n => n.Status == NodeStatus.Down).Select(n => n.Id).ToHashSet();
        var plan = SystemRollout.Plan(job.Revision, eligible, down, tasks.Where(t => t.Spec.NodeId is not null).Select(AsSystemTask).ToList());

        var names = nodes.ToDictionary(n => n.Id, n => n.Name);
        foreach (var id in plan.Stop)
        {
            var task = tasks.Single(t => t.Id == id);
            var node = task.Spec.NodeId!.Value;
            lifecycle.RequestStop(task, eligible.Contains(node)
                ? StopReason(job, task)
                : $"job {job.Name} no longer runs on node {names.GetValueOrDefault(node, node.ToString())}: {NodeState(nodes, node)}");
        }
        job.ClearMessage();
        job.NoteEligible(eligible.Count, nodes.Count);
        if (plan.Start.Count > 0 && await MayStartAsync(job, cancellationToken))
            foreach (var node in plan.Start)
                tasks.Add(await StartAsync(job, await SystemSlotAsync(job, node, tasks, cancellationToken), cancellationToken, node));
        if (tasks.Any(t => !t.IsTerminal && t.DesiredState == DesiredState.Running && t.JobRevision != job.Revision))
            job.NoteRollout();
        return tasks.Where(t => !t.IsTerminal).ToList();
    }

    private static string NodeState(IReadOnlyList<NodeSnapshot> nodes, Guid node) =>
        nodes.FirstOrDefault(n => n.Id == node) is { } found
            ? found.Status == NodeStatus.Ready ? "it no longer matches the task's constraints or host volumes" : found.Status.ToString()
            : "it is not registered";

    private static SystemTask AsSystemTask(TaskRecord task) => new(
        task.Id, task.Spec.NodeId!.Value, task.JobRevision ?? 0, task.IsAvailable, task.DesiredState == DesiredState.Running, task.CreatedAt);

    /// <summary>
    /// The slot of a system job's new task on <paramref name="node"/>: the slot its latest task there had, so a node
    /// keeps its name (and its slot's volumes) across revisions, else the lowest one free.
    /// </summary>
    private async Task<int> SystemSlotAsync(JobRecord job, Guid node, IReadOnlyList<TaskRecord> unfinished, CancellationToken cancellationToken)
    {
        var held = unfinished.Where(t => !t.IsTerminal).Select(SlotOf).ToHashSet();
        var previous = await db.Tasks
            .Where(t => t.JobName == job.Name && t.NodeId == node && t.JobSlot != null)
            .OrderByDescending(t => t.CreatedAt)
            .Select(t => t.JobSlot)
            .FirstOrDefaultAsync(cancellationToken);
        return previous is { } slot && !held.Contains(slot) ? slot : JobRollout.FreeSlots(1, held)[0];
    }

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

    /// <summary>The jobs of a job's groups, with their unfinished tasks, in the order of its groups.</summary>
    public async Task<IReadOnlyList<(JobRecord Group, IReadOnlyList<TaskRecord> Tasks)>> GroupsOfAsync(
        JobRecord job, bool tracked, CancellationToken cancellationToken)
    {
        var query = tracked ? db.Jobs : db.Jobs.AsNoTracking();
        var groups = await query.Where(g => g.ParentJob == job.Name).ToListAsync(cancellationToken);
        var tasks = (await db.UnfinishedJobTasks().Where(t => t.JobName!.StartsWith(job.Name + "-")).AsNoTracking().ToListAsync(cancellationToken))
            .ToLookup(t => t.JobName);
        return job.GroupNames!
            .Select(name => groups.FirstOrDefault(g => g.Name == JobSpec.GroupJobName(job.Name, name)))
            .OfType<JobRecord>()
            .Select(g => (g, (IReadOnlyList<TaskRecord>)tasks[g.Name].ToList()))
            .ToList();
    }

    /// <summary>A periodic job's runs, newest first.</summary>
    public async Task<IReadOnlyList<JobRecord>> RunsOfAsync(JobRecord job, CancellationToken cancellationToken) =>
        await db.Jobs.Where(r => r.ParentJob == job.Name).OrderByDescending(r => r.ScheduledAt).ToListAsync(cancellationToken);

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
