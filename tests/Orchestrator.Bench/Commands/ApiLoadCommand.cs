using System.ComponentModel;
using Orchestrator.Bench.Cluster;
using Orchestrator.Bench.Scenarios;
using Orchestrator.Bench.Simulation;
using Spectre.Console;
using Spectre.Console.Cli;

namespace Orchestrator.Bench.Commands;

public sealed class ApiLoadCommand : AsyncCommand<ApiLoadCommand.Settings>
{
    public sealed class Settings : BenchSettings
    {
        [CommandOption("--connections")]
        [DefaultValue(32)]
        public int Connections { get; init; } = 32;

        [CommandOption("--duration")]
        [Description("Seconds of load per endpoint, after the warm-up")]
        [DefaultValue(30)]
        public int Duration { get; init; } = 30;

        [CommandOption("--warm-up")]
        [Description("Seconds of uncounted load per endpoint before the measurement")]
        [DefaultValue(5)]
        public int WarmUp { get; init; } = 5;

        [CommandOption("--nodes")]
        [Description("Simulated nodes the submitted tasks are placed on (0: they stay Pending)")]
        [DefaultValue(10)]
        public int Nodes { get; init; } = 10;
    }

    public override async Task<int> ExecuteAsync(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        Report.Progress("starting Postgres, RabbitMQ and the services");
        await using var cluster = await BenchCluster.StartAsync(cancellationToken: cancellationToken);
        if (settings.Nodes > 0)
            await cluster.StartSimulatedNodesAsync(settings.Nodes, new SimulationSettings(), cancellationToken);
        var results = await new ApiLoadScenario(cluster, Report.Progress).RunAsync(
            new ApiLoadSettings(settings.Connections, TimeSpan.FromSeconds(settings.Duration), TimeSpan.FromSeconds(settings.WarmUp)), cancellationToken);

        var table = new Table().Title($"the Api at {cluster.ApiAddress}").AddColumns("endpoint", "connections", "req/s", "p50 ms", "p90 ms", "p99 ms", "max ms", "errors");
        foreach (var r in results)
            table.AddRow(Markup.Escape(r.Endpoint), r.Connections.ToString(), r.RequestsPerSecond.ToString("F0"),
                r.Latency.P50.ToString("F1"), r.Latency.P90.ToString("F1"), r.Latency.P99.ToString("F1"), r.Latency.Max.ToString("F1"), r.Errors.ToString());
        AnsiConsole.Write(table);
        Report.Load();
        return 0;
    }
}
