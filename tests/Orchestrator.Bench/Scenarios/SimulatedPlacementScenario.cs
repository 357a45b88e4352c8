using Orchestrator.Bench.Cluster;
using Orchestrator.Bench.Measurement;
using Orchestrator.Bench.Simulation;
using Orchestrator.Testing;

namespace Orchestrator.Bench.Scenarios;

/// <param name="WarmUpTasks">
/// Tasks run before the measurement, at <see cref="WarmUpPerSecond"/>, so that it measures the services' steady
/// state rather than their start: .NET compiles hot code again, optimised, only after it has run a while.
/// </param>
public sealed record SimulatedPlacementSettings(
    int Nodes = 1000, double PerSecond = 300, TimeSpan? Duration = null, SimulationSettings? Simulation = null, int WarmUpTasks = 20)
{
    public TimeSpan RunFor => Duration ?? TimeSpan.FromMinutes(2);
    public int Tasks => (int)Math.Round(PerSecond * RunFor.TotalSeconds);

    /// <summary>A rate every run so far has kept up with, so the warm-up leaves no backlog behind it.</summary>
    public double WarmUpPerSecond => Math.Min(PerSecond, 40);
}

public sealed record SimulatedPlacementResult(
    int Nodes,
    int Submitted,
    int FailedPosts,
    int Running,
    TimeSpan FirstPostToLastRunning,
    double PlacementsPerSecond,
    double SubmittedPerSecond,
    LatencySummary SubmitToRunning,
    LatencySummary PostResponse,
    TimeSpan NodesReadyAfter,
    int NodeDowns,
    LifecycleStages Stages,
    IReadOnlyList<TraceStep> Trace,
    ClusterCpu Cpu);

/// <summary>
/// Thousands of tasks through the real Api, bus and database to many simulated nodes: how many reach Running per
/// second, sustained, how long each took from its POST, and how much CPU each cost the cluster. Spans are kept for
/// the first seconds only, for the breakdown; a long run would otherwise hold millions.
/// </summary>
public sealed class SimulatedPlacementScenario(BenchCluster cluster, SpanCollector spans, Action<string> progress)
{
    private static readonly TimeSpan TracedFor = TimeSpan.FromSeconds(10);

    public async Task<SimulatedPlacementResult> RunAsync(SimulatedPlacementSettings settings, CancellationToken cancellationToken)
    {
        progress($"starting {settings.Nodes} simulated nodes");
        var startedNodes = DateTimeOffset.UtcNow;
        await cluster.StartSimulatedNodesAsync(settings.Nodes, settings.Simulation ?? new SimulationSettings(), cancellationToken);
        var nodesReadyAfter = DateTimeOffset.UtcNow - startedNodes;
        // No simulated agent stops, so every NodeDown from here on is a false one.
        var downs = await cluster.ObserveNodeDownAsync(cancellationToken);

        var submitter = new TaskSubmitter(cluster.Api);
        var running = new RunningTimes(cluster);
        progress($"warming up with {settings.WarmUpTasks} tasks at {settings.WarmUpPerSecond}/s");
        var warm = await submitter.SubmitAsync(
            settings.WarmUpTasks, settings.WarmUpPerSecond, i => TaskSubmitter.SleepingTask($"warm-{i}"), cancellationToken);
        await running.WaitForAllAsync(warm.Select(s => s.TaskId).ToList(), TimeSpan.FromMinutes(2), cancellationToken);
        spans.Clear();
        spans.Resume();

        progress($"submitting {settings.Tasks} tasks at {settings.PerSecond}/s for {settings.RunFor.TotalSeconds:F0} s");
        var cpuBefore = await cluster.CpuAsync(cancellationToken);
        using var stopTracing = new CancellationTokenSource(TracedFor);
        stopTracing.Token.Register(spans.Pause);
        var submissions = await submitter.SubmitAsync(
            settings.Tasks, settings.PerSecond, i => TaskSubmitter.SleepingTask($"sim-{i}"), cancellationToken, window: settings.RunFor);
        var submittedFor = submissions[^1].SentAt - submissions[0].SentAt;
        progress("waiting for every task to be Running");
        var seen = await running.WaitForAllAsync(submissions.Select(s => s.TaskId).ToList(), settings.RunFor + TimeSpan.FromMinutes(2), cancellationToken);
        spans.Pause();
        // From the first measured POST to the last task Running: everything those tasks cost, heartbeats included.
        var cpu = await cluster.CpuAsync(cancellationToken) - cpuBefore;

        var window = seen.Count == 0 ? TimeSpan.Zero : seen.Values.Max() - submissions[0].SentAt;
        var traced = submissions.Where(s => s.SentAt - submissions[0].SentAt < TracedFor).Select(s => s.TraceId).ToHashSet();
        return new SimulatedPlacementResult(
            settings.Nodes,
            submissions.Count,
            submitter.Failures,
            seen.Count,
            window,
            window > TimeSpan.Zero ? seen.Count / window.TotalSeconds : 0,
            submittedFor > TimeSpan.Zero ? submissions.Count / submittedFor.TotalSeconds : 0,
            LatencySummary.Of(RunningTimes.SubmitToRunning(submissions, seen)),
            LatencySummary.Of(submissions.Select(s => s.ResponseTime)),
            nodesReadyAfter,
            downs.Heard.Count,
            await LifecycleStages.ReadAsync(cluster, submissions, cancellationToken),
            TraceBreakdown.Of(spans.Spans, traced, "bench submit"),
            cpu);
    }
}
