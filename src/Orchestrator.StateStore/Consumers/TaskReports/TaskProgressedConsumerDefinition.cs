using Orchestrator.Contracts;
using Orchestrator.StateStore.Security;

namespace Orchestrator.StateStore.Consumers.TaskReports;

public sealed class TaskProgressedConsumerDefinition(ReportSenders senders)
    : TaskReportConsumerDefinition<TaskProgressedConsumer, TaskProgressed>(senders);
