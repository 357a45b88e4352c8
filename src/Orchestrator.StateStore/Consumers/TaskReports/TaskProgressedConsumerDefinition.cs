using Orchestrator.Contracts;
using Orchestrator.StateStore.Security;

namespace Orchestrator.StateStore.Consumers.TaskReports;

public sealed class TaskProgressedConsumerDefinition(TaskReportPartitioner partitioner, ReportSenders senders)
    : TaskReportConsumerDefinition<TaskProgressedConsumer, TaskProgressed>(partitioner, senders, report => report.TaskId, report => report.NodeId);
