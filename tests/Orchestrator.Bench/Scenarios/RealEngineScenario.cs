using System.Diagnostics;
using Docker.DotNet;
using Docker.DotNet.Models;
using Orchestrator.Bench.Cluster;
using Orchestrator.Bench.Measurement;
using Orchestrator.Contracts;
using Orchestrator.Testing;
using Orchestrator.WorkerAgent;
using Orchestrator.WorkerAgent.Host;
using Orchestrator.WorkerAgent.Runtime;

namespace Orchestrator.Bench.Scenarios;

public sealed record RealEngineSettings(int Tasks = 30, double PerSecond = 2, int Burst = 100, int WarmUp = 3);

public sealed record RealEngineResult(
    LatencySummary SubmitToRunning,
    LatencySummary BareCreateStart,
    LatencySummary BurstSubmitToRunning,
    TimeSpan BurstLastRunning,
    int BurstRunning,
    TimeSpan BareBurst,
    LifecycleStages Stages,
    IReadOnlyList<TraceStep> Trace);

/// <summary>
/// Submit to Running on the real engine: tasks of the workload image submitted at a steady rate, then the same
/// number of bare Docker.DotNet create+starts with the very parameters the agent would use, then a burst. Every
/// container made is removed.
/// </summary>
public sealed class RealEngineScenario(BenchCluster cluster, SpanCollector spans, Action<string> progress)
{
    private static readonly TimeSpan RunningTimeout = TimeSpan.FromMinutes(3);

    public async Task<RealEngineResult> RunAsync(RealEngineSettings settings, CancellationToken cancellationToken)
    {
        var node = await cluster.StartRealAgentAsync("bench-node", cancellationToken);
        var submitter = new TaskSubmitter(cluster.Api);
        var running = new RunningTimes(cluster);
        try
        {
            progress($"warming up with {settings.WarmUp} tasks");
            foreach (var i in Enumerable.Range(0, settings.WarmUp))
            {
                var warm = await submitter.SubmitOneAsync(TaskSubmitter.SleepingTask($"warm-{i}"), cancellationToken);
                await running.WaitForAllAsync([warm.TaskId], RunningTimeout, cancellationToken);
            }
            spans.Clear();

            progress($"submitting {settings.Tasks} tasks at {settings.PerSecond}/s");
            var steady = await submitter.SubmitAsync(settings.Tasks, settings.PerSecond, i => TaskSubmitter.SleepingTask($"steady-{i}"), cancellationToken);
            var steadyRunning = await running.WaitForAllAsync(steady.Select(s => s.TaskId).ToList(), RunningTimeout, cancellationToken);
            var trace = TraceBreakdown.Of(spans.Spans, steady.Select(s => s.TraceId).ToHashSet(), "bench submit");
            var stages = await LifecycleStages.ReadAsync(cluster, steady, cancellationToken);
            await StopAllAsync(node, cancellationToken);

            progress($"bare create+start, {settings.Tasks} at {settings.PerSecond}/s");
            var bare = await BareCreateStartAsync(settings, cancellationToken);

            progress($"burst of {settings.Burst}");
            var burst = await submitter.SubmitAsync(settings.Burst, double.PositiveInfinity, i => TaskSubmitter.SleepingTask($"burst-{i}"), cancellationToken);
            var burstRunning = await running.WaitForAllAsync(burst.Select(s => s.TaskId).ToList(), RunningTimeout, cancellationToken);
            var burstLast = burstRunning.Count == 0 ? TimeSpan.Zero : burstRunning.Values.Max() - burst.Min(s => s.SentAt);
            await StopAllAsync(node, cancellationToken);

            progress($"bare burst of {settings.Burst}, {BareBurstConcurrency} at a time");
            var bareBurst = await BareBurstAsync(settings.Burst, cancellationToken);

            return new RealEngineResult(
                LatencySummary.Of(RunningTimes.SubmitToRunning(steady, steadyRunning)),
                bare,
                LatencySummary.Of(RunningTimes.SubmitToRunning(burst, burstRunning)),
                burstLast,
                burstRunning.Count,
                bareBurst,
                stages,
                trace);
        }
        finally
        {
            progress("cleaning up");
            await StopAllAsync(node, CancellationToken.None);
        }
    }

    /// <summary>
    /// The floor: create+start of the same image with the parameters the agent builds for the same spec, labelled
    /// for a node no agent has, so no agent mistakes them for its own.
    /// </summary>
    private async Task<LatencySummary> BareCreateStartAsync(RealEngineSettings settings, CancellationToken cancellationToken)
    {
        var bareNode = new NodeIdentity(Guid.NewGuid(), "bench-bare");
        var durations = new List<TimeSpan>(settings.Tasks);
        try
        {
            var clock = Stopwatch.StartNew();
            for (var i = 0; i < settings.Tasks; i++)
            {
                var due = TimeSpan.FromSeconds(i / settings.PerSecond);
                if (due > clock.Elapsed)
                    await Task.Delay(due - clock.Elapsed, cancellationToken);
                var launch = new ContainerLaunch(Guid.NewGuid(), 1, TaskSubmitter.SleepingTask($"bare-{i}"));
                var parameters = WorkerAgent.Runtime.ContainerSpec.From(launch, bareNode, new AgentOptions());
                var started = Stopwatch.GetTimestamp();
                var created = await cluster.Docker.Containers.CreateContainerAsync(parameters, cancellationToken);
                await cluster.Docker.Containers.StartContainerAsync(created.ID, new ContainerStartParameters(), cancellationToken);
                durations.Add(Stopwatch.GetElapsedTime(started));
            }
        }
        finally
        {
            await RemoveContainersOfNodeAsync(cluster.Docker, bareNode.Id);
        }
        return LatencySummary.Of(durations);
    }

    /// <summary>As many create+starts at once as an agent runs StartTask consumers at once (its queue's prefetch, 16).</summary>
    private const int BareBurstConcurrency = 16;

    /// <summary>The engine's own floor for a burst: the same create+starts, 16 at a time; the time until the last has started.</summary>
    private async Task<TimeSpan> BareBurstAsync(int count, CancellationToken cancellationToken)
    {
        var bareNode = new NodeIdentity(Guid.NewGuid(), "bench-bare");
        var clock = System.Diagnostics.Stopwatch.StartNew();
        try
        {
            await Parallel.ForEachAsync(Enumerable.Range(0, count),
                new ParallelOptions { MaxDegreeOfParallelism = BareBurstConcurrency, CancellationToken = cancellationToken },
                async (i, token) =>
                {
                    var launch = new ContainerLaunch(Guid.NewGuid(), 1, TaskSubmitter.SleepingTask($"bare-burst-{i}"));
                    var created = await cluster.Docker.Containers.CreateContainerAsync(
                        WorkerAgent.Runtime.ContainerSpec.From(launch, bareNode, new AgentOptions()), token);
                    await cluster.Docker.Containers.StartContainerAsync(created.ID, new ContainerStartParameters(), token);
                });
            return clock.Elapsed;
        }
        finally
        {
            await RemoveContainersOfNodeAsync(cluster.Docker, bareNode.Id);
        }
    }

    /// <summary>Stops every task through the Api, waits for the agent to remove their containers, then removes any left.</summary>
    private async Task StopAllAsync(NodeIdentity node, CancellationToken cancellationToken)
    {
        var response = await cluster.Api.GetAsync("/api/tasks", cancellationToken);
        var tasks = await System.Net.Http.Json.HttpContentJsonExtensions.ReadFromJsonAsync<List<TaskDetails>>(response.Content, TaskSubmitter.Json, cancellationToken) ?? [];
        await Parallel.ForEachAsync(tasks, new ParallelOptions { MaxDegreeOfParallelism = 8, CancellationToken = cancellationToken },
            async (task, token) => (await cluster.Api.DeleteAsync($"/api/tasks/{task.Id}", token)).Dispose());
        var deadline = DateTimeOffset.UtcNow + TimeSpan.FromSeconds(60);
        while (DateTimeOffset.UtcNow < deadline && (await ContainersOfNodeAsync(cluster.Docker, node.Id)).Count > 0)
            await Task.Delay(250, cancellationToken);
        await RemoveContainersOfNodeAsync(cluster.Docker, node.Id);
    }

    private static Task<IList<ContainerListResponse>> ContainersOfNodeAsync(DockerClient docker, Guid nodeId) =>
        docker.Containers.ListContainersAsync(new ContainersListParameters
        {
            All = true,
            Filters = new Dictionary<string, IDictionary<string, bool>>
            {
                ["label"] = new Dictionary<string, bool> { [$"{ContainerLabels.NodeId}={nodeId}"] = true },
            },
        });

    private static async Task RemoveContainersOfNodeAsync(DockerClient docker, Guid nodeId)
    {
        foreach (var container in await ContainersOfNodeAsync(docker, nodeId))
            await docker.Containers.RemoveContainerAsync(container.ID, new ContainerRemoveParameters { Force = true });
    }
}
