using System.Diagnostics;
using Microsoft.Extensions.Hosting;

namespace Orchestrator.ServiceDefaults.Tests;

/// <summary>The rule that keeps a batched task in its own trace; pure, no cluster.</summary>
public sealed class TaskTraceTests : IDisposable
{
    private readonly ActivitySource _source = new($"TaskTraceTests.{Guid.NewGuid():N}");
    private readonly ActivityListener _listener;

    public TaskTraceTests()
    {
        _listener = new ActivityListener
        {
            ShouldListenTo = source => source == _source,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
        };
        ActivitySource.AddActivityListener(_listener);
    }

    [Fact]
    public void A_task_submitted_in_another_trace_gets_a_span_in_its_own_trace_linked_to_the_batch()
    {
        var submission = NewTraceParent();
        using var batch = _source.StartActivity("batch")!;

        using (var span = TaskTrace.StartSpan(_source, "task", submission)!)
        {
            Assert.Equal(submission, $"00-{span.TraceId}-{span.ParentSpanId}-01");
            Assert.Equal(batch.Context, Assert.Single(span.Links).Context);
            Assert.Same(span, Activity.Current);
        }
        Assert.Same(batch, Activity.Current);
    }

    [Fact]
    public void A_task_of_the_batchs_own_trace_gets_a_plain_child_span()
    {
        using var batch = _source.StartActivity("batch")!;

        using var span = TaskTrace.StartSpan(_source, "task", batch.Id)!;

        Assert.Same(batch, span.Parent);
        Assert.Empty(span.Links);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("not a traceparent")]
    public void A_task_without_a_stored_trace_gets_a_child_of_the_batch(string? stored)
    {
        using var batch = _source.StartActivity("batch")!;

        using var span = TaskTrace.StartSpan(_source, "task", stored)!;

        Assert.Same(batch, span.Parent);
    }

    [Fact]
    public void Capture_returns_the_current_spans_traceparent()
    {
        Assert.Null(TaskTrace.Capture());
        using var span = _source.StartActivity("submit")!;

        Assert.Equal(span.Id, TaskTrace.Capture());
    }

    private static string NewTraceParent() => $"00-{ActivityTraceId.CreateRandom()}-{ActivitySpanId.CreateRandom()}-01";

    public void Dispose()
    {
        _listener.Dispose();
        _source.Dispose();
    }
}
