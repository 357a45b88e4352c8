using System.Diagnostics;
using MassTransit;
using Microsoft.Extensions.Options;
using Orchestrator.Contracts;
using Orchestrator.Domain.Scheduling;

namespace Orchestrator.Scheduler.Placement;

/// <summary>
/// One round of placement: fetch the Pending tasks and a snapshot of the nodes from StateStore, decide each
/// task against the local view, and propose the placement. StateStore has the last word; a refusal means the
/// view was stale, so the pass fetches a fresh one and goes on. Passes in one process run one at a time.
/// </summary>
public sealed class PlacementPass(
    IBus bus,
    IPlacementAlgorithm algorithm,
    IOptions<SchedulerOptions> options,
    ILogger<PlacementPass> logger)
{
    private const int MaxRefreshes = 5;

    // Short, because a pass holds the gate while it waits: a request lost while StateStore was still starting
    // must not stall every placement behind it for MassTransit's default 30 s. The sweep tries again anyway.
    private static readonly RequestTimeout StateStoreTimeout = RequestTimeout.After(s: 5);
    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly IRequestClient<GetPlacementWork> _workClient = bus.CreateRequestClient<GetPlacementWork>(StateStoreTimeout);
    private readonly IRequestClient<PlaceTask> _placeClient = bus.CreateRequestClient<PlaceTask>(StateStoreTimeout);

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken);
        try
        {
            for (var refresh = 0; refresh < MaxRefreshes; refresh++)
            {
                var work = await _workClient.GetResponse<PlacementWork>(new GetPlacementWork(options.Value.BatchSize), cancellationToken);
                if (work.Message.Tasks.Count == 0 || await PlaceAllAsync(work.Message, cancellationToken))
                    return;
            }
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>Returns false when a refusal showed the view was stale.</summary>
    private async Task<bool> PlaceAllAsync(PlacementWork work, CancellationToken cancellationToken)
    {
        var nodes = work.Nodes.ToList();
        foreach (var task in work.Tasks)
        {
            var decision = PlacementDecision.Decide(algorithm, task.Spec, nodes);
            if (decision.Node is not { } node)
            {
                if (decision.Reason != task.Message)
                    await bus.Publish(new MarkTaskUnschedulable(task.TaskId, task.Version, decision.Reason!), cancellationToken);
                continue;
            }

            var started = Stopwatch.GetTimestamp();
            var answer = await _placeClient.GetResponse<PlacementAccepted, PlacementRefused>(
                new PlaceTask(task.TaskId, node.Id, task.Version), cancellationToken);
            SchedulerMetrics.PlacementLatency.Record(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
            if (answer.Is(out Response<PlacementRefused>? refused))
            {
                SchedulerMetrics.RefusedPlacements.Add(1);
                logger.LogInformation("Placement of task {TaskId} on {NodeName} refused: {Reason}", task.TaskId, node.Name, refused.Message.Reason);
                return false;
            }
            var index = nodes.FindIndex(n => n.Id == node.Id);
            nodes[index] = node.WithTask(task.Spec.Requested, task.Spec.PortsOrEmpty.Select(p => p.HostPort).Where(p => p > 0));
        }
        return true;
    }
}
