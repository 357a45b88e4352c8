using Orchestrator.Bench.Measurement;
using Spectre.Console;

namespace Orchestrator.Bench.Commands;

/// <summary>How results are printed: plain tables and one line per figure, easy to paste into docs/performance.md.</summary>
public static class Report
{
    public static void Progress(string message) =>
        AnsiConsole.MarkupLineInterpolated($"[grey]{DateTimeOffset.Now:HH:mm:ss}[/] {message}");

    public static void Figure(string name, string value) =>
        AnsiConsole.MarkupLineInterpolated($"[bold]{name}[/]: {value}");

    public static void Latencies(string title, params (string Name, LatencySummary Summary)[] rows)
    {
        var table = new Table().Title(title).AddColumns("measure", "n", "p50 ms", "p90 ms", "p99 ms", "max ms");
        foreach (var (name, s) in rows)
            table.AddRow(name, s.Count.ToString(), s.P50.ToString("F0"), s.P90.ToString("F0"), s.P99.ToString("F0"), s.Max.ToString("F0"));
        AnsiConsole.Write(table);
    }

    public static void Stages(LifecycleStages stages) =>
        Latencies("submit to Running by recorded state",
            ("POST sent to Pending committed", stages.PostToPending),
            ("Pending to Scheduled", stages.PendingToScheduled),
            ("Scheduled to Running", stages.ScheduledToRunning));

    public static void Counts(IReadOnlyDictionary<string, long> counts)
    {
        var table = new Table().Title("spans ended, by stage (top 25)").AddColumns("stage", "count");
        foreach (var (stage, count) in counts.OrderByDescending(c => c.Value).Take(25))
            table.AddRow(Markup.Escape(stage), count.ToString());
        AnsiConsole.Write(table);
    }

    public static void Trace(IReadOnlyList<TraceStep> steps)
    {
        var table = new Table().Title("where the time goes (medians over the traces)").AddColumns("starts at ms", "takes ms", "span", "traces");
        foreach (var step in steps)
            table.AddRow(step.StartMs.ToString("F1"), step.DurationMs.ToString("F1"), Markup.Escape(step.Stage), step.Traces.ToString());
        AnsiConsole.Write(table);
    }

    /// <summary>The machine is shared: the load average, and how much CPU this process (the whole cluster but its two containers) had.</summary>
    public static void Load()
    {
        var load = File.Exists("/proc/loadavg") ? File.ReadAllText("/proc/loadavg").Trim() : "unknown";
        using var self = System.Diagnostics.Process.GetCurrentProcess();
        var wall = DateTime.Now - self.StartTime;
        Figure("machine", $"{Environment.ProcessorCount} cores, load average {load}; this process used {self.TotalProcessorTime.TotalSeconds / wall.TotalSeconds:F2} cores on average over {wall.TotalSeconds:F0} s");
    }
}
