using Orchestrator.Contracts;
using Orchestrator.StateStore.Security;

namespace Orchestrator.StateStore.Consumers.TaskReports;

public sealed class TaskStartedConsumerDefinition(ReportSenders senders)
    : TaskReportConsumerDefinition<TaskStartedConsumer, TaskStarted>(senders);
