using Orchestrator.Bench.Cluster;
using Orchestrator.Bench.Scenarios;
using Orchestrator.Testing;

namespace Orchestrator.IntegrationTests;

/// <summary>
/// The performance harness still runs end to end: a few simulated nodes, a few dozen tasks through the real Api, bus
/// and database. Nothing here is timed; the figures live in docs/performance.md.
/// </summary>
public sealed class BenchSmokeTests
{
    [Fact]
    public async Task The_simulated_node_bench_places_every_task_and_reports_its_figures()
    {
        using var spans = new SpanCollector();
        await using var cluster = await BenchCluster.StartAsync();

        var result = await new SimulatedPlacementScenario(cluster, spans, _ => { }).RunAsync(
            new SimulatedPlacementSettings(Nodes: 20, PerSecond: 25, Duration: TimeSpan.FromSeconds(2)), CancellationToken.None);

        Assert.Equal(50, result.Submitted);
        Assert.Equal(result.Submitted, result.Running);
        Assert.True(result.PlacementsPerSecond > 0);
        Assert.True(result.SubmitToRunning.P50 > 0);
        Assert.True(result.Stages.PendingToScheduled.Count > 0);
        Assert.All([result.Cpu.Process, result.Cpu.RabbitMq, result.Cpu.Postgres], cpu => Assert.True(cpu > TimeSpan.Zero));
    }

    [Fact]
    public async Task The_gateway_bench_sends_through_the_gateway_without_errors_and_times_each_catalog_change()
    {
        var result = await new GatewayScenario(_ => { }).RunAsync(
            new GatewaySettings(Connections: 4, Duration: TimeSpan.FromSeconds(1), WarmUp: TimeSpan.Zero, Services: 50, Changes: 2),
            CancellationToken.None);

        Assert.All([result.Direct, result.Gateway], load => Assert.Equal(0, load.Errors));
        Assert.All([result.Direct, result.Gateway], load => Assert.True(load.Latency.Count > 0));
        Assert.Equal(2, result.Propagation.Count);
    }

    [Fact]
    public async Task The_web_bench_renders_both_pages_with_the_clusters_nodes_and_measures_a_refresh()
    {
        await using var cluster = await BenchCluster.StartAsync();

        var result = await new WebScenario(cluster, _ => { }).RunAsync(new WebSettings(Nodes: 5, Tasks: 20, Samples: 2, Polls: 2), CancellationToken.None);

        Assert.Equal(2, result.Overview.Count);
        Assert.Equal(2, result.TaskList.Count);
        Assert.True(result.CpuPerPoll > TimeSpan.Zero);
    }
}
