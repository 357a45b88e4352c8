using System.Reflection;
using MassTransit;
using MassTransit.Middleware;
using Orchestrator.Contracts;

namespace Orchestrator.StateStore.Consumers.TaskReports;

/// <summary>
/// The queues of the agents' reports about their tasks (<see cref="TaskReportQueue"/>), each running every report's
/// consumer. A queue is consumed by one StateStore at a time (single active consumer: the others' consumers wait,
/// and one of them takes over when the active one's connection goes). Within it the reports are partitioned by task:
/// a task's reports, which all go to one queue, are applied one at a time in the order they were sent, retries
/// included, while the reports of other tasks go on beside them, up to <see cref="Prefetch"/> at once, and share
/// commits (<see cref="Persistence.GroupCommit"/>).
/// </summary>
public sealed class TaskReportQueues : IReceiveEndpointSetup
{
    /// <summary>
    /// Reports fetched ahead, and applied at once (each task's in its own partition): one at a time, a queue's reports
    /// waited on one commit after another, and the queue fell behind under a burst of starts.
    /// </summary>
    public const int Prefetch = 16;

    private static readonly MethodInfo PartitionByTaskMethod =
        typeof(TaskReportQueues).GetMethod(nameof(PartitionByTask), BindingFlags.NonPublic | BindingFlags.Static)!;

    public static IEnumerable<Type> Consumers { get; } = typeof(TaskReportQueues).Assembly.GetTypes()
        .Where(type => type.Namespace == typeof(TaskReportQueues).Namespace && type is { IsClass: true, IsAbstract: false }
            && typeof(IConsumer).IsAssignableFrom(type))
        .ToList();

    /// <summary>The report types the consumers take.</summary>
    private static readonly IReadOnlyList<Type> Reports = Consumers
        .SelectMany(consumer => consumer.GetInterfaces())
        .Where(type => type.IsGenericType && type.GetGenericTypeDefinition() == typeof(IConsumer<>))
        .Select(type => type.GetGenericArguments()[0])
        .Where(typeof(ITaskReport).IsAssignableFrom)
        .Distinct()
        .ToList();

    public void Configure(IBusRegistrationContext context, IRabbitMqBusFactoryConfigurator rabbit)
    {
        for (var partition = 0; partition < TaskReportQueue.Count; partition++)
            rabbit.ReceiveEndpoint(TaskReportQueue.Name(partition), endpoint =>
            {
                MessagingExtensions.UseQuorumQueue(endpoint);
                endpoint.SingleActiveConsumer = true;
                // Agents send to this queue's own exchange; no message type's exchange is bound to it.
                endpoint.ConfigureConsumeTopology = false;
                endpoint.PrefetchCount = Prefetch;
                endpoint.ConcurrentMessageLimit = Prefetch;
                // One partitioner for every report type, so a task's start and exit fall in the same partition.
                var partitioner = new Partitioner(Prefetch, new Murmur3UnsafeHashGenerator());
                foreach (var report in Reports)
                    PartitionByTaskMethod.MakeGenericMethod(report).Invoke(null, [endpoint, partitioner]);
                // A report that still fails after its retries, or that no consumer takes, is logged and dropped, not
                // moved to an _error or _skipped queue: the move would publish it under StateStore's user with the
                // agent's user-id, which the broker refuses by closing the channel, over and over, and the queue would
                // stand still. A lost report is made up for by the node's heartbeat (LostReportRecovery), as one lost
                // on the way is.
                endpoint.DiscardFaultedMessages();
                endpoint.DiscardSkippedMessages();
                foreach (var consumer in Consumers)
                    endpoint.ConfigureConsumer(context, consumer);
            });
    }

    private static void PartitionByTask<TReport>(IReceiveEndpointConfigurator endpoint, IPartitioner partitioner)
        where TReport : class, ITaskReport =>
        endpoint.UsePartitioner<TReport>(partitioner, context => context.Message.TaskId);
}
