using System.Diagnostics;
using MassTransit;
using Microsoft.Extensions.Options;
using Orchestrator.Contracts;
using Orchestrator.Domain.Scheduling;

namespace Orchestrator.Scheduler.Placement;

/// <summary>
/// One round of placement: fetch the Pending tasks from StateStore (with a snapshot of the nodes when the
/// Scheduler's <see cref="ClusterView"/> is stale), decide every task against the view (each decision taking its
/// room from the view before the next), and propose all the placements in one request. StateStore has the last
/// word on each; a refusal means the view was stale, so the pass fetches a fresh one and goes on with what is still
/// Pending. Passes in one process run one at a time, at most one waits for the running one, and a pass goes through
/// the Pending queue a batch at a time to its end, fetching and deciding the next batch while StateStore records the
/// last one (one batch is in flight at a time). With several Schedulers, each is given its own share of the queue.
/// </summary>
public sealed class PlacementPass(
    IBus bus,
    IPlacementAlgorithm algorithm,
    ClusterView view,
    IOptions<SchedulerOptions> options,
    ILogger<PlacementPass> logger)
{
    private const int MaxRefreshes = 5;

    // Short, because a pass holds the gate while it waits: a request lost while StateStore was still starting
    // must not stall every placement behind it for MassTransit's default 30 s. The sweep tries again anyway.
    private static readonly RequestTimeout StateStoreTimeout = RequestTimeout.After(s: 5);
    private readonly SemaphoreSlim _gate = new(1, 1);
    private int _waiting;
    private volatile bool _left;
    private readonly IRequestClient<GetPlacementWork> _workClient = bus.CreateRequestClient<GetPlacementWork>(StateStoreTimeout);
    private readonly IRequestClient<PlaceTasks> _placeClient = bus.CreateRequestClient<PlaceTasks>(StateStoreTimeout);

    /// <summary>
    /// This Scheduler among the others that share the Pending queue: unique to the instance, and counted for two
    /// sweeps and a second, so that a pass delayed by a slow request does not cost it its share.
    /// </summary>
    private readonly SchedulerMember _member = new(
        $"{Environment.MachineName}/{Environment.ProcessId}/{Guid.NewGuid():N}",
        options.Value.SweepInterval * 2 + TimeSpan.FromSeconds(1));

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        // A pass waiting at the gate fetches its work only once it is through, so it will see every task committed
        // before this wake-up: a second waiter would find nothing the first does not. Under a burst of events
        // (a thousand nodes coming up, hundreds of submissions a second) this turns one pass per event, each
        // reading the whole cluster, into one pass per pass's length.
        if (_left || Interlocked.CompareExchange(ref _waiting, 1, 0) != 0)
            return;
        try
        {
            await _gate.WaitAsync(cancellationToken);
        }
        finally
        {
            Volatile.Write(ref _waiting, 0);
        }
        try
        {
            // The pass walks the whole Pending queue a batch at a time: no event will come for the tasks behind a
            // full batch, and a batch that placed nothing (tasks no node can take) must not hide the placeable
            // ones behind it. A stale view fetches the same batch again with a fresh snapshot.
            PendingCursor? after = null;
            var refreshes = 0;
            InFlight? inFlight = null;

            // Waits for the batch in flight; when some of it was refused, the view is stale, and the pass goes back to
            // fetch that batch again (the refused tasks and everything behind them) against a fresh snapshot.
            async Task<bool> SettleInFlightAsync()
            {
                var settled = inFlight!;
                inFlight = null;
                if (await SettleAsync(settled))
                    return true;
                after = settled.From;
                refreshes++;
                return false;
            }

            try
            {
                // A Scheduler that is leaving stops at the next batch: the rest of the queue is the others' share now,
                // and its host is waiting for this pass to stop.
                while (refreshes < MaxRefreshes && !_left)
                {
                    var fresh = view.TryGet(out var nodes, out var generation);
                    if (inFlight is not null && fresh)
                    {
                        // The next batch is fetched and decided while the last one's placements are proposed: against
                        // the view as they will leave it, never against a snapshot that might not show them yet.
                        nodes = inFlight.NodesAfter;
                    }
                    else if (inFlight is not null)
                    {
                        if (!await SettleInFlightAsync())
                            continue;
                        fresh = view.TryGet(out nodes, out generation);
                    }
                    var request = new GetPlacementWork(options.Value.BatchSize, after, IncludeNodes: !fresh, _member);
                    var work = (await _workClient.GetResponse<PlacementWork>(request, cancellationToken)).Message;
                    var (proposals, nodesAfter) = (new List<PlaceTask>(), nodes);
                    if (work.Tasks.Count > 0)
                    {
                        if (!fresh)
                        {
                            nodes = work.Nodes;
                            view.Load(nodes, generation);
                        }
                        (proposals, nodesAfter) = await DecideAsync(work.Tasks, nodes, cancellationToken);
                    }
                    // A refusal of the batch in flight drops this one too: it was decided against the same stale view.
                    if (inFlight is not null && !await SettleInFlightAsync())
                        continue;
                    if (proposals.Count > 0)
                        inFlight = Propose(proposals, nodesAfter, after, cancellationToken);
                    if (work.Next is not null)
                    {
                        after = work.Next;
                        continue;
                    }
                    // The end of the queue: the last batch's answer says whether the pass is done.
                    if (inFlight is null || await SettleInFlightAsync())
                        return;
                }
            }
            finally
            {
                if (inFlight is not null)
                    await ObserveAsync(inFlight);
            }
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>
    /// Takes this Scheduler out of the Pending queue's sharing at once, so that its share moves to the others now
    /// rather than when its membership runs out. Best effort: if StateStore does not answer, the membership runs out.
    /// </summary>
    public async Task LeaveAsync(CancellationToken cancellationToken)
    {
        // No pass after this one: its request for work would count this Scheduler in again.
        _left = true;
        try
        {
            await _gate.WaitAsync(cancellationToken);
        }
        catch (OperationCanceledException)
        {
            // The host stopped waiting for the running pass; the membership runs out by itself.
            return;
        }
        try
        {
            await _workClient.GetResponse<PlacementWork>(
                new GetPlacementWork(Limit: 1, IncludeNodes: false, Member: _member with { Ttl = TimeSpan.Zero }), cancellationToken);
        }
        catch (Exception error)
        {
            logger.LogInformation("Could not leave the Pending queue's sharing ({Reason}); this Scheduler's share moves when it runs out", error.Message);
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>
    /// Decides the batch against <paramref name="viewNodes"/>, each decision taking its room before the next, and
    /// marks the tasks no node can take. Returns the placements to propose and the nodes as they leave them.
    /// </summary>
    private async Task<(List<PlaceTask> Proposals, IReadOnlyList<NodeSnapshot> NodesAfter)> DecideAsync(
        IReadOnlyList<PendingTask> tasks, IReadOnlyList<NodeSnapshot> viewNodes, CancellationToken cancellationToken)
    {
        var proposals = new List<PlaceTask>();
        var nodes = viewNodes.ToList();
        foreach (var task in tasks)
        {
            // The pass may run in another task's trace; this task's decision is recorded in its own.
            using var span = TaskTrace.StartSpan(SchedulerTelemetry.Source, "schedule task", task.TraceParent);
            span?.SetTag("orchestrator.task.id", task.TaskId).SetTag("orchestrator.placement.algorithm", algorithm.Name);
            var spec = task.PlacementSpec;
            var decision = PlacementDecision.Decide(algorithm, spec, nodes, task.Job);
            if (decision.Node is not { } node)
            {
                var reason = task.VolumeNode is { } volumeNode ? CandidateFilter.ExplainVolumeWait(spec, volumeNode, nodes) : decision.Reason!;
                span?.SetTag("orchestrator.placement.unschedulable", reason);
                if (reason != task.Message)
                    await bus.Publish(new MarkTaskUnschedulable(task.TaskId, task.Version, reason), cancellationToken);
                continue;
            }
            span?.SetTag("orchestrator.node.id", node.Id).SetTag("orchestrator.node.name", node.Name);
            proposals.Add(new PlaceTask(task.TaskId, node.Id, task.Version));
            var index = nodes.FindIndex(n => n.Id == node.Id);
            nodes[index] = node.WithTask(spec, task.Job);
        }
        return (proposals, nodes);
    }

    /// <summary>Proposes a decided batch to StateStore, without waiting for its answer.</summary>
    private InFlight Propose(List<PlaceTask> proposals, IReadOnlyList<NodeSnapshot> nodesAfter, PendingCursor? from, CancellationToken cancellationToken) =>
        new(_placeClient.GetResponse<PlacementResults>(new PlaceTasks(proposals), cancellationToken), nodesAfter, from, Stopwatch.GetTimestamp());

    /// <summary>
    /// Waits for StateStore's answer to a proposed batch. True when it accepted every placement, and the view has
    /// moved on by them; false when it refused some (the view was stale).
    /// </summary>
    private async Task<bool> SettleAsync(InFlight batch)
    {
        var answer = await batch.Answer;
        SchedulerTelemetry.PlacementLatency.Record(Stopwatch.GetElapsedTime(batch.ProposedAt).TotalMilliseconds);
        var refused = answer.Message.Results.Where(r => !r.Accepted).ToList();
        if (refused.Count == 0)
        {
            view.Advance(batch.NodesAfter);
            return true;
        }
        view.Invalidate();
        SchedulerTelemetry.RefusedPlacements.Add(refused.Count);
        foreach (var refusal in refused)
            logger.LogInformation("Placement of task {TaskId} on node {NodeId} refused: {Reason}", refusal.TaskId, refusal.NodeId, refusal.Refusal);
        return false;
    }

    /// <summary>
    /// The answer to a batch proposed by a pass that ends before the queue does (it failed, or the Scheduler is
    /// leaving): its placements still move the view on if accepted, and a failure of its own is not the one to report.
    /// </summary>
    private async Task ObserveAsync(InFlight batch)
    {
        try
        {
            await SettleAsync(batch);
        }
        catch (Exception error)
        {
            logger.LogDebug(error, "No answer to a batch of placements proposed by a pass that ended early");
        }
    }

    /// <summary>
    /// A batch proposed and not yet answered: the nodes as its placements leave them, and the cursor its batch was
    /// fetched after, to fetch it again from if some are refused.
    /// </summary>
    private sealed record InFlight(Task<Response<PlacementResults>> Answer, IReadOnlyList<NodeSnapshot> NodesAfter, PendingCursor? From, long ProposedAt);
}
