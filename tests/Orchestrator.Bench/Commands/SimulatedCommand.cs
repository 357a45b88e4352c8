using System.ComponentModel;
using Orchestrator.Bench.Cluster;
using Orchestrator.Bench.Measurement;
using Orchestrator.Bench.Scenarios;
using Orchestrator.Bench.Simulation;
using Orchestrator.Testing;
using Spectre.Console.Cli;

namespace Orchestrator.Bench.Commands;

public sealed class SimulatedCommand : AsyncCommand<SimulatedCommand.Settings>
{
    public sealed class Settings : BenchSettings
    {
        [CommandOption("--nodes")]
        [DefaultValue(1000)]
        public int Nodes { get; init; } = 1000;

        [CommandOption("--rate")]
        [Description("Submissions per second")]
        [DefaultValue(300.0)]
        public double Rate { get; init; } = 300;

        [CommandOption("--duration")]
        [Description("Seconds of submitting")]
        [DefaultValue(120)]
        public int Duration { get; init; } = 120;

        [CommandOption("--start-delay")]
        [Description("Milliseconds a simulated container takes to start")]
        [DefaultValue(0)]
        public int StartDelay { get; init; }

        [CommandOption("--warm-up")]
        [Description("Tasks run (at up to 40/s) before the measurement, so it sees the services warm")]
        [DefaultValue(20)]
        public int WarmUp { get; init; } = 20;

        [CommandOption("--schedulers")]
        [Description("Schedulers sharing the Pending queue")]
        [DefaultValue(1)]
        public int Schedulers { get; init; } = 1;

        [CommandOption("--agents-per-connection")]
        [DefaultValue(250)]
        public int AgentsPerConnection { get; init; } = 250;
    }

    public override async Task<int> ExecuteAsync(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        using var spans = new SpanCollector();
        Report.Progress("starting Postgres, RabbitMQ and the services");
        using var refused = new InstrumentTotal("Orchestrator.Scheduler", "orchestrator.placement.refused");
        await using var cluster = await BenchCluster.StartAsync(schedulers: settings.Schedulers, cancellationToken: cancellationToken);
        var simulation = new SimulationSettings
        {
            StartDelay = TimeSpan.FromMilliseconds(settings.StartDelay),
            AgentsPerPool = settings.AgentsPerConnection,
        };
        var result = await new SimulatedPlacementScenario(cluster, spans, Report.Progress).RunAsync(
            new SimulatedPlacementSettings(settings.Nodes, settings.Rate, TimeSpan.FromSeconds(settings.Duration), simulation, settings.WarmUp), cancellationToken);

        Report.Figure("nodes", $"{result.Nodes} simulated, all Ready {result.NodesReadyAfter.TotalSeconds:F1} s after starting");
        Report.Figure("submitted", $"{result.Submitted} at {result.SubmittedPerSecond:F0}/s achieved (asked {settings.Rate}/s); {result.FailedPosts} POSTs failed");
        Report.Figure("placements", $"{result.Running} Running, {result.PlacementsPerSecond:F0}/s sustained (first POST to last Running: {result.FirstPostToLastRunning.TotalSeconds:F1} s)");
        Report.Figure("CPU", $"{result.Cpu.PerTask(result.Running)}; {result.Cpu.Total / result.FirstPostToLastRunning:F2} of {Environment.ProcessorCount} cores from the first POST to the last Running");
        Report.Figure("schedulers", $"{settings.Schedulers}; {refused.Total} placements refused as stale (warm-up included)");
        Report.Figure("false Down", $"{result.NodeDowns} NodeDown heard between the nodes being Ready and the last task Running");
        Report.Latencies($"{result.Nodes} simulated nodes",
            ("POST to Running", result.SubmitToRunning),
            ("POST response", result.PostResponse));
        Report.Stages(result.Stages);
        Report.Load();
        if (settings.Trace)
            Report.Trace(result.Trace);
        return 0;
    }
}
