using MassTransit;
using Orchestrator.Contracts;

namespace Orchestrator.StateStore.Consumers.TaskReports;

/// <summary>
/// The queues of the agents' reports about their tasks (<see cref="TaskReportQueue"/>), each running every report's
/// consumer. A queue is consumed by one StateStore at a time (single active consumer: the others' consumers wait,
/// and one of them takes over when the active one's connection goes) and one report at a time, so a task's reports,
/// which all go to one queue, are applied in the order they were sent, retries included. The queues side by side
/// give the reports of different tasks their concurrency.
/// </summary>
public sealed class TaskReportQueues : IReceiveEndpointSetup
{
    /// <summary>Reports fetched ahead of the one being applied, so a queue never waits on the broker between two.</summary>
    public const int Prefetch = 16;

    public static IEnumerable<Type> Consumers { get; } = typeof(TaskReportQueues).Assembly.GetTypes()
        .Where(type => type.Namespace == typeof(TaskReportQueues).Namespace && type is { IsClass: true, IsAbstract: false }
            && typeof(IConsumer).IsAssignableFrom(type))
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
                endpoint.ConcurrentMessageLimit = 1;
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
}
