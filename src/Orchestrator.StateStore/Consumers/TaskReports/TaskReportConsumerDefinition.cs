using MassTransit;
using Orchestrator.Contracts;
using Orchestrator.StateStore.Persistence;
using Orchestrator.StateStore.Security;

namespace Orchestrator.StateStore.Consumers.TaskReports;

/// <summary>
/// What every task report passes through before its consumer: the check of its sender, and the wait out of a
/// database outage, with the consumer's retry inside them. Every report's consumer has a definition of its own
/// deriving from this one, beside it. The queues the reports are taken from are <see cref="TaskReportQueues"/>.
/// </summary>
public abstract class TaskReportConsumerDefinition<TConsumer, TReport>(ReportSenders senders) : ConsumerDefinition<TConsumer>
    where TConsumer : class, IConsumer<TReport>
    where TReport : class, ITaskReport
{
    protected override void ConfigureConsumer(
        IReceiveEndpointConfigurator endpointConfigurator, IConsumerConfigurator<TConsumer> consumerConfigurator,
        IRegistrationContext context)
    {
        consumerConfigurator.Message<TReport>(report =>
        {
            report.UseFilter(new ReportSenderFilter<TReport>(senders, message => message.NodeId));
            report.UseFilter(new DatabaseOutageFilter<TReport>());
        });
        // MassTransit adds a consumer's retry to each message pipe after the filters configured here, so a report is
        // retried in place, inside its task's partition (TaskReportQueues): the next one about the task waits behind it.
        consumerConfigurator.UseMessageRetry(MessagingExtensions.Retry);
    }
}
