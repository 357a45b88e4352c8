using Orchestrator.Contracts;
using Orchestrator.StateStore.Security;

namespace Orchestrator.StateStore.Consumers.TaskReports;

public sealed class TaskRestartedConsumerDefinition(ReportSenders senders)
    : TaskReportConsumerDefinition<TaskRestartedConsumer, TaskRestarted>(senders);
