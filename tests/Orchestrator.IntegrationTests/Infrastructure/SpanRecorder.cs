using System.Collections.Concurrent;
using System.Diagnostics;

namespace Orchestrator.IntegrationTests.Infrastructure;

/// <summary>
/// Records every finished span of the project's and MassTransit's sources in this process, as an in-memory
/// exporter would, so a test can follow one trace across the services hosted here.
/// </summary>
public sealed class SpanRecorder : IDisposable
{
    private readonly ActivityListener _listener;
    private readonly ConcurrentQueue<Activity> _spans = new();

    public SpanRecorder()
    {
        _listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name.StartsWith("Orchestrator.", StringComparison.Ordinal) || source.Name == "MassTransit",
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = _spans.Enqueue,
        };
        ActivitySource.AddActivityListener(_listener);
    }

    public IReadOnlyList<Activity> InTrace(ActivityTraceId traceId) => _spans.Where(s => s.TraceId == traceId).ToList();

    public void Dispose() => _listener.Dispose();
}
