using Orchestrator.Contracts;
using Orchestrator.StateStore.Security;

namespace Orchestrator.StateStore.Consumers.TaskReports;

public sealed class TaskRestartedConsumerDefinition(TaskReportPartitioner partitioner, ReportSenders senders)
    : TaskReportConsumerDefinition<TaskRestartedConsumer, TaskRestarted>(partitioner, senders, report => report.TaskId, report => report.NodeId);
