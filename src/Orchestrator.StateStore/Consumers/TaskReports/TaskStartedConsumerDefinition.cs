using Orchestrator.Contracts;
using Orchestrator.StateStore.Security;

namespace Orchestrator.StateStore.Consumers.TaskReports;

public sealed class TaskStartedConsumerDefinition(TaskReportPartitioner partitioner, ReportSenders senders)
    : TaskReportConsumerDefinition<TaskStartedConsumer, TaskStarted>(partitioner, senders, report => report.TaskId, report => report.NodeId);
