using System.Diagnostics;
using Orchestrator.Testing;

namespace Orchestrator.Bench.Measurement;

/// <summary>One step of a typical trace: when it starts after the POST was sent, and how long it takes (medians).</summary>
public sealed record TraceStep(string Stage, double StartMs, double DurationMs, int Traces);

/// <summary>
/// Lays the spans of many traces of the same path over each other: each span is keyed by its stage and its
/// occurrence within its trace (the 2nd Npgsql command is not the 1st), and each step is given by the median of its
/// offset from the trace's root and of its duration. Read top to bottom, it is the life of a typical submission.
/// </summary>
public static class TraceBreakdown
{
    public static IReadOnlyList<TraceStep> Of(IReadOnlyList<Activity> spans, IReadOnlySet<ActivityTraceId> traces, string rootName)
    {
        var steps = new Dictionary<string, (List<double> Start, List<double> Duration)>();
        foreach (var trace in spans.Where(s => traces.Contains(s.TraceId)).GroupBy(s => s.TraceId))
        {
            var root = trace.FirstOrDefault(s => s.DisplayName == rootName);
            if (root is null)
                continue;
            var occurrences = new Dictionary<string, int>();
            foreach (var span in trace.Where(s => s != root).OrderBy(s => s.StartTimeUtc))
            {
                var stage = SpanCollector.StageOf(span);
                var nth = occurrences[stage] = occurrences.GetValueOrDefault(stage) + 1;
                var key = nth == 1 ? stage : $"{stage} #{nth}";
                if (!steps.TryGetValue(key, out var step))
                    steps[key] = step = ([], []);
                step.Start.Add((span.StartTimeUtc - root.StartTimeUtc).TotalMilliseconds);
                step.Duration.Add(span.Duration.TotalMilliseconds);
            }
        }
        var minimumTraces = Math.Max(1, traces.Count / 2);
        return steps
            .Where(pair => pair.Value.Start.Count >= minimumTraces)
            .Select(pair => new TraceStep(pair.Key, Median(pair.Value.Start), Median(pair.Value.Duration), pair.Value.Start.Count))
            .OrderBy(step => step.StartMs)
            .ToList();
    }

    private static double Median(List<double> values) => LatencySummary.Of(values).P50;
}
