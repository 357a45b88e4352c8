using MassTransit;
using MassTransit.Middleware;
using Microsoft.Extensions.Options;
using Orchestrator.StateStore.Persistence;
using Orchestrator.StateStore.Security;

namespace Orchestrator.StateStore.Consumers.TaskReports;

/// <summary>
/// An agent reports a task's start, restarts, health and exit in order, and they must be applied in that order;
/// reports about different tasks are independent. So one queue, <see cref="Queue"/>, partitioned by task id: a
/// task's reports go through one partition one at a time, retries included, so a report being retried is never
/// overtaken by the next one about the same task, while other tasks' reports go on in other partitions. Every
/// report's consumer has a definition of its own deriving from this one, beside it, and all of them share one
/// <see cref="TaskReportPartitioner"/>.
/// </summary>
public abstract class TaskReportConsumerDefinition<TConsumer, TReport> : ConsumerDefinition<TConsumer>
    where TConsumer : class, IConsumer<TReport>
    where TReport : class
{
    /// <summary>The queue of the agents' reports about their tasks.</summary>
    public const string Queue = "task-reports";

    private readonly TaskReportPartitioner _partitioner;
    private readonly ReportSenders _senders;
    private readonly Func<TReport, Guid> _taskId;
    private readonly Func<TReport, Guid> _nodeId;

    protected TaskReportConsumerDefinition(
        TaskReportPartitioner partitioner, ReportSenders senders, Func<TReport, Guid> taskId, Func<TReport, Guid> nodeId)
    {
        (_partitioner, _senders, _taskId, _nodeId) = (partitioner, senders, taskId, nodeId);
        Endpoint(endpoint =>
        {
            endpoint.Name = Queue;
            endpoint.ConcurrentMessageLimit = partitioner.Partitions * 2;
        });
    }

    protected override void ConfigureConsumer(
        IReceiveEndpointConfigurator endpointConfigurator, IConsumerConfigurator<TConsumer> consumerConfigurator,
        IRegistrationContext context)
    {
        consumerConfigurator.Message<TReport>(report =>
        {
            report.UseFilter(new ReportSenderFilter<TReport>(_senders, _nodeId));
            report.UsePartitioner(_partitioner.Partitioner, consumeContext => _taskId(consumeContext.Message));
            report.UseFilter(new DatabaseOutageFilter<TReport>());
        });
        // MassTransit adds a consumer's retry to each message pipe after the filters configured here, so it runs
        // inside the partition.
        consumerConfigurator.UseMessageRetry(MessagingExtensions.Retry);
    }
}

/// <summary>The partitions every task report shares, so that all reports about one task take the same one.</summary>
public sealed class TaskReportPartitioner(IOptions<ConsumerOptions> options)
{
    public int Partitions { get; } = options.Value.TaskReportPartitions;

    public IPartitioner Partitioner { get; } =
        new Partitioner(options.Value.TaskReportPartitions, new Murmur3UnsafeHashGenerator());
}
