using System.Collections.Concurrent;
using System.Diagnostics;

namespace Orchestrator.Testing;

/// <summary>
/// Collects the spans the services emit in this process (the project's sources, MassTransit, Npgsql, ASP.NET Core
/// and HttpClient), as an in-memory exporter would, so a run can say where its time went.
/// </summary>
public sealed class SpanCollector : IDisposable
{
    private static readonly string[] Sources = ["MassTransit", "Npgsql", "Microsoft.AspNetCore", "System.Net.Http"];

    private readonly ActivityListener _listener;
    private readonly ConcurrentQueue<Activity> _spans = new();
    private readonly ConcurrentDictionary<string, long> _counts = new();
    private volatile bool _recording = true;

    public SpanCollector()
    {
        _listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name.StartsWith("Orchestrator.", StringComparison.Ordinal) || Sources.Contains(source.Name),
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = span =>
            {
                _counts.AddOrUpdate(StageOf(span), 1, (_, count) => count + 1);
                if (_recording)
                    _spans.Enqueue(span);
            },
        };
        ActivitySource.AddActivityListener(_listener);
    }

    public IReadOnlyList<Activity> Spans => _spans.ToList();

    /// <summary>How many spans of each stage ended, kept even while paused.</summary>
    public IReadOnlyDictionary<string, long> Counts => new Dictionary<string, long>(_counts);

    public long CountOf(Func<string, bool> stage) => _counts.Where(pair => stage(pair.Key)).Sum(pair => pair.Value);

    /// <summary>Forgets what was collected, e.g. the warm-up's spans.</summary>
    public void Clear()
    {
        _spans.Clear();
        _counts.Clear();
    }

    /// <summary>Stops keeping spans, so a long run does not hold every one in memory.</summary>
    public void Pause() => _recording = false;

    public void Resume() => _recording = true;

    /// <summary>The span's name with the message type for MassTransit's, which all share a few names.</summary>
    public static string StageOf(Activity span)
    {
        var messageType = span.GetTagItem("messaging.masstransit.message_types") as string
            ?? span.GetTagItem("messaging.message.type") as string;
        if (messageType is null)
            return span.DisplayName;
        var shortType = messageType.Split(',')[0].Split(':')[^1];
        return span.DisplayName.Contains(shortType, StringComparison.Ordinal) ? span.DisplayName : $"{span.DisplayName} [{shortType}]";
    }

    public void Dispose() => _listener.Dispose();
}
