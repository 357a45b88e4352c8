using Orchestrator.Contracts;
using Orchestrator.StateStore.Security;

namespace Orchestrator.StateStore.Consumers.TaskReports;

public sealed class TaskHealthChangedConsumerDefinition(ReportSenders senders)
    : TaskReportConsumerDefinition<TaskHealthChangedConsumer, TaskHealthChanged>(senders);
