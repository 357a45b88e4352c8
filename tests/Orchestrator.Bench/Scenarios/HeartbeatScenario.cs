using Microsoft.EntityFrameworkCore;
using Orchestrator.Bench.Cluster;
using Orchestrator.Bench.Measurement;
using Orchestrator.Bench.Simulation;
using Orchestrator.Domain.Nodes;
using Orchestrator.Testing;

namespace Orchestrator.Bench.Scenarios;

public sealed record HeartbeatSettings(int Nodes = 1000, TimeSpan? Interval = null, TimeSpan? Duration = null)
{
    public TimeSpan Every => Interval ?? TimeSpan.FromSeconds(5);
    public TimeSpan RunFor => Duration ?? TimeSpan.FromMinutes(10);
}

public sealed record HeartbeatResult(
    int Nodes,
    TimeSpan RanFor,
    long HeartbeatsConsumed,
    double HeartbeatsPerSecond,
    long NodeDownEvents,
    long NodeDownsWhileStarting,
    int NodesNotReadyAtEnd,
    TimeSpan WorstHeartbeatAge,
    TimeSpan NodeTtl,
    IReadOnlyList<TraceStep> Trace);

/// <summary>
/// Many simulated nodes heartbeating for a while and nothing else: every NodeDown is a false one, since no agent
/// stops. Samples the oldest heartbeat StateStore holds, the margin left under the node TTL.
/// </summary>
public sealed class HeartbeatScenario(BenchCluster cluster, SpanCollector spans, Action<string> progress)
{
    private static readonly TimeSpan SampleEvery = TimeSpan.FromSeconds(5);

    /// <summary>The span MassTransit starts when an agent publishes a heartbeat: the root of the heartbeat's trace.</summary>
    public const string PublishSpan = "Orchestrator.Contracts:NodeHeartbeat send";

    private static readonly TimeSpan TracedFor = TimeSpan.FromSeconds(10);

    public async Task<HeartbeatResult> RunAsync(HeartbeatSettings settings, TimeSpan nodeTtl, CancellationToken cancellationToken)
    {
        var downs = await cluster.ObserveNodeDownAsync(cancellationToken);
        progress($"starting {settings.Nodes} simulated nodes, heartbeat every {settings.Every.TotalSeconds:F0} s");
        var nodes = await cluster.StartSimulatedNodesAsync(settings.Nodes, new SimulationSettings { HeartbeatInterval = settings.Every }, cancellationToken);
        var ids = nodes.Select(n => n.Id).ToList();
        spans.Pause();
        spans.Clear();

        progress($"heartbeating for {settings.RunFor.TotalSeconds:F0} s");
        var started = DateTimeOffset.UtcNow;
        // A NodeDown decided after this point names a heartbeat later than this.
        var decidedInRun = started - nodeTtl;
        long NodeDowns() => downs.Heard.Count(d => d.LastHeartbeatAt >= decidedInRun);
        var worstAge = TimeSpan.Zero;
        var notReady = 0;
        var traced = false;
        var tracedFrom = DateTime.MaxValue;
        while (DateTimeOffset.UtcNow - started < settings.RunFor)
        {
            // A window of spans once the run has settled, for where a heartbeat's time goes.
            if (!traced && DateTimeOffset.UtcNow - started > settings.RunFor / 2)
            {
                traced = true;
                tracedFrom = DateTime.UtcNow;
                spans.Resume();
                // Twice the window, so heartbeats published in it are followed to their end however long they queue.
                _ = Task.Delay(TracedFor * 2, cancellationToken).ContinueWith(_ => spans.Pause(), TaskScheduler.Default);
            }
            await Task.Delay(SampleEvery, cancellationToken);
            await using var db = cluster.Database();
            var now = DateTimeOffset.UtcNow;
            var oldest = await db.Nodes.Where(n => ids.Contains(n.Id)).MinAsync(n => n.LastHeartbeatAt, cancellationToken);
            notReady = await db.Nodes.CountAsync(n => ids.Contains(n.Id) && n.Status != NodeStatus.Ready, cancellationToken);
            if (now - oldest > worstAge)
                worstAge = now - oldest;
            progress($"{(now - started).TotalSeconds:F0} s: oldest heartbeat {(now - oldest).TotalSeconds:F1} s ago, {notReady} nodes not Ready, " +
                $"{HeartbeatsConsumed()} heartbeats, {NodeDowns()} NodeDown");
        }
        var ranFor = DateTimeOffset.UtcNow - started;
        spans.Pause();
        var collected = spans.Spans;
        var trace = TraceBreakdown.Of(collected, collected.Where(s => s.DisplayName == PublishSpan && s.StartTimeUtc < tracedFrom + TracedFor).Select(s => s.TraceId).ToHashSet(), PublishSpan);
        return new HeartbeatResult(
            settings.Nodes, ranFor, HeartbeatsConsumed(), HeartbeatsConsumed() / ranFor.TotalSeconds, NodeDowns(),
            downs.Heard.Count - NodeDowns(), notReady, worstAge, nodeTtl, trace);
    }

    private long HeartbeatsConsumed() =>
        spans.CountOf(stage => stage.Contains("NodeHeartbeat", StringComparison.Ordinal) && stage.Contains("process", StringComparison.Ordinal));

}
