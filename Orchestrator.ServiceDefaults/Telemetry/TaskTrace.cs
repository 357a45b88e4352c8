using System.Diagnostics;

namespace Microsoft.Extensions.Hosting;

/// <summary>
/// Keeps each submission one trace when work is batched. A placement pass or a batch of placements runs in the
/// trace of whatever triggered it, which may be another task's submission, a node coming up or the sweep. Each
/// task's share of that work gets its own span in the task's trace (the trace its submission began), linked to
/// the batch's span, and the messages sent inside it carry the task's trace on to the agent.
/// </summary>
public static class TaskTrace
{
    /// <summary>The current trace context as a W3C <c>traceparent</c>, to store with a new task.</summary>
    public static string? Capture() => Activity.Current is { IdFormat: ActivityIdFormat.W3C } current ? current.Id : null;

    /// <summary>
    /// Starts the span of one task's share of a batch: a plain child when the batch already runs in the task's
    /// trace, otherwise a span in the task's trace linked to the batch. Without a stored context, a child of the batch.
    /// </summary>
    public static Activity? StartSpan(ActivitySource source, string name, string? traceParent)
    {
        var batch = Activity.Current;
        if (!ActivityContext.TryParse(traceParent, traceState: null, out var task) || batch?.TraceId == task.TraceId)
            return source.StartActivity(name);
        ActivityLink[]? links = batch is null ? null : [new ActivityLink(batch.Context)];
        return source.StartActivity(name, ActivityKind.Internal, task, links: links);
    }
}
