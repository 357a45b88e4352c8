using Orchestrator.Contracts;
using Orchestrator.StateStore.Security;

namespace Orchestrator.StateStore.Consumers.TaskReports;

public sealed class TaskExitedConsumerDefinition(TaskReportPartitioner partitioner, ReportSenders senders)
    : TaskReportConsumerDefinition<TaskExitedConsumer, TaskExited>(partitioner, senders, report => report.TaskId, report => report.NodeId);
