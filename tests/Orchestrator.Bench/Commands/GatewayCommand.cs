using System.ComponentModel;
using Orchestrator.Bench.Scenarios;
using Spectre.Console;
using Spectre.Console.Cli;

namespace Orchestrator.Bench.Commands;

public sealed class GatewayCommand : AsyncCommand<GatewayCommand.Settings>
{
    public sealed class Settings : BenchSettings
    {
        [CommandOption("--connections")]
        [DefaultValue(32)]
        public int Connections { get; init; } = 32;

        [CommandOption("--duration")]
        [Description("Seconds of load each way, after the warm-up")]
        [DefaultValue(20)]
        public int Duration { get; init; } = 20;

        [CommandOption("--warm-up")]
        [DefaultValue(3)]
        public int WarmUp { get; init; } = 3;

        [CommandOption("--services")]
        [Description("Services in the catalog, each with a route of its own")]
        [DefaultValue(1000)]
        public int Services { get; init; } = 1000;

        [CommandOption("--changes")]
        [Description("Catalog changes whose arrival at the gateway is timed")]
        [DefaultValue(20)]
        public int Changes { get; init; } = 20;
    }

    public override async Task<int> ExecuteAsync(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        var results = await new GatewayScenario(Report.Progress).RunAsync(
            new GatewaySettings(settings.Connections, TimeSpan.FromSeconds(settings.Duration), TimeSpan.FromSeconds(settings.WarmUp),
                settings.Services, settings.Changes), cancellationToken);

        var table = new Table().Title("one instance on loopback, straight and through the gateway")
            .AddColumns("path", "connections", "req/s", "p50 ms", "p90 ms", "p99 ms", "max ms", "errors");
        foreach (var r in new[] { results.Direct, results.Gateway })
            table.AddRow(r.Endpoint, r.Connections.ToString(), r.RequestsPerSecond.ToString("F0"),
                r.Latency.P50.ToString("F2"), r.Latency.P90.ToString("F2"), r.Latency.P99.ToString("F2"), r.Latency.Max.ToString("F1"), r.Errors.ToString());
        AnsiConsole.Write(table);
        Report.Figure("added by the gateway, p50", $"{results.Gateway.Latency.P50 - results.Direct.Latency.P50:F2} ms");
        Report.Figure("added by the gateway, p99", $"{results.Gateway.Latency.P99 - results.Direct.Latency.P99:F2} ms");
        Report.Figure($"a catalog change to a routed request, {settings.Services} services", results.Propagation.ToString());
        Report.Load();
        return 0;
    }
}
