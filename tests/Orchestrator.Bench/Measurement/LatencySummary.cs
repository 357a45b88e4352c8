namespace Orchestrator.Bench.Measurement;

/// <summary>Percentiles of a set of durations, nearest-rank, in milliseconds.</summary>
public sealed record LatencySummary(int Count, double P50, double P90, double P99, double Max)
{
    public static readonly LatencySummary Empty = new(0, 0, 0, 0, 0);

    public static LatencySummary Of(IEnumerable<TimeSpan> durations) => Of(durations.Select(d => d.TotalMilliseconds));

    public static LatencySummary Of(IEnumerable<double> milliseconds)
    {
        var sorted = milliseconds.Order().ToArray();
        if (sorted.Length == 0)
            return Empty;
        return new LatencySummary(sorted.Length, Rank(sorted, 0.50), Rank(sorted, 0.90), Rank(sorted, 0.99), sorted[^1]);
    }

    private static double Rank(double[] sorted, double quantile) =>
        sorted[Math.Clamp((int)Math.Ceiling(quantile * sorted.Length) - 1, 0, sorted.Length - 1)];

    public override string ToString() => $"n={Count} p50={P50:F0} ms p90={P90:F0} ms p99={P99:F0} ms max={Max:F0} ms";
}
