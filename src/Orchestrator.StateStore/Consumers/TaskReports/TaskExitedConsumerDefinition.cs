using Orchestrator.Contracts;
using Orchestrator.StateStore.Security;

namespace Orchestrator.StateStore.Consumers.TaskReports;

public sealed class TaskExitedConsumerDefinition(ReportSenders senders)
    : TaskReportConsumerDefinition<TaskExitedConsumer, TaskExited>(senders);
