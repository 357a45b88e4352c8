using System.ComponentModel;
using Orchestrator.Bench.Cluster;
using Orchestrator.Bench.Measurement;
using Orchestrator.Bench.Scenarios;
using Orchestrator.Testing;
using Spectre.Console.Cli;

namespace Orchestrator.Bench.Commands;

public sealed class RealEngineCommand : AsyncCommand<RealEngineCommand.Settings>
{
    public sealed class Settings : BenchSettings
    {
        [CommandOption("--tasks")]
        [Description("Tasks submitted at the steady rate, and bare create+starts after them")]
        [DefaultValue(30)]
        public int Tasks { get; init; } = 30;

        [CommandOption("--rate")]
        [Description("Submissions per second")]
        [DefaultValue(2.0)]
        public double Rate { get; init; } = 2;

        [CommandOption("--burst")]
        [Description("Tasks submitted at once after the steady part")]
        [DefaultValue(100)]
        public int Burst { get; init; } = 100;
    }

    public override async Task<int> ExecuteAsync(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        using var spans = new SpanCollector();
        Report.Progress("starting Postgres, RabbitMQ and the services");
        await using var cluster = await BenchCluster.StartAsync(cancellationToken: cancellationToken);
        var result = await new RealEngineScenario(cluster, spans, Report.Progress)
            .RunAsync(new RealEngineSettings(settings.Tasks, settings.Rate, settings.Burst), cancellationToken);

        Report.Latencies($"submit to Running at {settings.Rate}/s on the real engine",
            ("POST to Running", result.SubmitToRunning),
            ("bare create+start", result.BareCreateStart),
            ($"burst of {settings.Burst}: POST to Running", result.BurstSubmitToRunning));
        Report.Figure("overhead p50", $"{result.SubmitToRunning.P50 - result.BareCreateStart.P50:F0} ms (ratio {result.SubmitToRunning.P50 / result.BareCreateStart.P50:F2})");
        Report.Figure("overhead p90", $"{result.SubmitToRunning.P90 - result.BareCreateStart.P90:F0} ms (ratio {result.SubmitToRunning.P90 / result.BareCreateStart.P90:F2})");
        Report.Figure("overhead p99", $"{result.SubmitToRunning.P99 - result.BareCreateStart.P99:F0} ms (ratio {result.SubmitToRunning.P99 / result.BareCreateStart.P99:F2})");
        Report.Figure($"burst of {settings.Burst}", $"{result.BurstRunning} Running, the last {result.BurstLastRunning.TotalSeconds:F1} s after the first POST");
        Report.Figure($"bare burst of {settings.Burst}", $"the last started {result.BareBurst.TotalSeconds:F1} s after the first create (16 at a time)");
        Report.Stages(result.Stages);
        Report.Load();
        if (settings.Trace)
            Report.Trace(result.Trace);
        return 0;
    }
}
