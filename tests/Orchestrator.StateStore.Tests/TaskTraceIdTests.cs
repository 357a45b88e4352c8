using Orchestrator.StateStore.Persistence.Entities;

namespace Orchestrator.StateStore.Tests;

public sealed class TaskTraceIdTests
{
    [Theory]
    [InlineData("00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01", "0af7651916cd43dd8448eb211c80319c")]
    [InlineData(null, null)]
    [InlineData("", null)]
    [InlineData("00-short-b7ad6b7169203331-01", null)]
    [InlineData("not a traceparent", null)]
    public void A_tasks_trace_id_is_read_from_its_traceparent(string? traceParent, string? traceId) =>
        Assert.Equal(traceId, TaskRecord.TraceIdOf(traceParent));
}
