using MassTransit;
using Orchestrator.Contracts;

namespace Orchestrator.StateStore.Tests;

public sealed class TaskReportQueueTests
{
    [Fact]
    public void A_tasks_reports_always_go_to_one_queue_whatever_process_computes_it()
    {
        // Fixed values, worked out apart from this code (FNV-1a of the id's bytes in .NET's order, modulo 8): an agent
        // and a StateStore of different builds must agree, so the function may never change unnoticed.
        Assert.Equal("task-reports-0", TaskReportQueue.For(Guid.Parse("7d1f0a5e-1111-4c2b-9a3e-0123456789ab")));
        Assert.Equal("task-reports-2", TaskReportQueue.For(Guid.Parse("0f8fad5b-d9cb-469f-a165-70867728950e")));
        Assert.Equal("task-reports-5", TaskReportQueue.For(Guid.Empty));
    }

    [Fact]
    public void Sequential_ids_spread_over_every_queue()
    {
        var counts = Enumerable.Range(0, 8_000).Select(_ => TaskReportQueue.PartitionOf(NewId.NextGuid()))
            .GroupBy(partition => partition).ToDictionary(group => group.Key, group => group.Count());

        Assert.Equal(TaskReportQueue.Count, counts.Count);
        // Each queue within a fifth of its even share.
        Assert.All(counts.Values, count => Assert.InRange(count, 800, 1_200));
    }
}
