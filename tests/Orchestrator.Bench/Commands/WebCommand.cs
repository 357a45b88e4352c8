using System.ComponentModel;
using Orchestrator.Bench.Cluster;
using Orchestrator.Bench.Scenarios;
using Spectre.Console.Cli;

namespace Orchestrator.Bench.Commands;

public sealed class WebCommand : AsyncCommand<WebCommand.Settings>
{
    public sealed class Settings : BenchSettings
    {
        [CommandOption("--nodes")]
        [DefaultValue(1000)]
        public int Nodes { get; init; } = 1000;

        [CommandOption("--tasks")]
        [DefaultValue(10_000)]
        public int Tasks { get; init; } = 10_000;

        [CommandOption("--samples")]
        [Description("Renders of each page measured")]
        [DefaultValue(20)]
        public int Samples { get; init; } = 20;
    }

    public override async Task<int> ExecuteAsync(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        Report.Progress("starting Postgres, RabbitMQ and the services");
        await using var cluster = await BenchCluster.StartAsync(cancellationToken: cancellationToken);
        var result = await new WebScenario(cluster, Report.Progress).RunAsync(
            new WebSettings(settings.Nodes, settings.Tasks, settings.Samples), cancellationToken);

        Report.Latencies($"pages rendered, {result.Nodes} nodes and {result.Tasks} tasks", ("overview (/)", result.Overview),
            ("the overview's Api calls alone", result.OverviewCalls), ("task list (/tasks)", result.TaskList));
        var extra = result.CpuPerPoll - result.IdleCpuPerPoll;
        Report.Figure("one refresh of an open overview",
            $"{result.CpuPerPoll.TotalMilliseconds:F1} ms of CPU against {result.IdleCpuPerPoll.TotalMilliseconds:F1} ms idle in as long: " +
            $"{extra.TotalMilliseconds:F1} ms more, {extra / result.RefreshInterval * 100:F1} % of a core at one refresh every {result.RefreshInterval.TotalSeconds:F0} s");
        Report.Load();
        return 0;
    }
}
