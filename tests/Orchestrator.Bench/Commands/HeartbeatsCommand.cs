using System.ComponentModel;
using Orchestrator.Bench.Cluster;
using Orchestrator.Bench.Measurement;
using Orchestrator.Bench.Scenarios;
using Orchestrator.StateStore.Liveness;
using Orchestrator.Testing;
using Spectre.Console.Cli;

namespace Orchestrator.Bench.Commands;

public sealed class HeartbeatsCommand : AsyncCommand<HeartbeatsCommand.Settings>
{
    public sealed class Settings : BenchSettings
    {
        [CommandOption("--nodes")]
        [DefaultValue(1000)]
        public int Nodes { get; init; } = 1000;

        [CommandOption("--interval")]
        [Description("Seconds between one node's heartbeats")]
        [DefaultValue(5)]
        public int Interval { get; init; } = 5;

        [CommandOption("--duration")]
        [Description("Seconds to run after every node is Ready")]
        [DefaultValue(600)]
        public int Duration { get; init; } = 600;
    }

    public override async Task<int> ExecuteAsync(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        using var spans = new SpanCollector();
        Report.Progress("starting Postgres, RabbitMQ and the services");
        await using var cluster = await BenchCluster.StartAsync(cancellationToken: cancellationToken);
        var ttl = new LivenessOptions().NodeTtl;
        var result = await new HeartbeatScenario(cluster, spans, Report.Progress).RunAsync(
            new HeartbeatSettings(settings.Nodes, TimeSpan.FromSeconds(settings.Interval), TimeSpan.FromSeconds(settings.Duration)), ttl, cancellationToken);

        Report.Figure("heartbeats", $"{result.HeartbeatsConsumed} consumed in {result.RanFor.TotalSeconds:F0} s, {result.HeartbeatsPerSecond:F0}/s from {result.Nodes} nodes");
        Report.Figure("false Down", $"{result.NodeDownEvents} NodeDown decided during the run; {result.NodesNotReadyAtEnd} nodes not Ready at the end");
        Report.Figure("false Down while the nodes were starting", $"{result.NodeDownsWhileStarting}");
        Report.Figure("oldest heartbeat seen", $"{result.WorstHeartbeatAge.TotalSeconds:F1} s (node TTL {result.NodeTtl.TotalSeconds:F0} s)");
        Report.Load();
        if (settings.Trace)
        {
            if (result.Trace.Count > 0)
                Report.Trace(result.Trace);
            Report.Counts(spans.Counts);
        }
        return 0;
    }
}
