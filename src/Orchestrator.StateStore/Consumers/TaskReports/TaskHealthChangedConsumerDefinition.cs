using Orchestrator.Contracts;
using Orchestrator.StateStore.Security;

namespace Orchestrator.StateStore.Consumers.TaskReports;

public sealed class TaskHealthChangedConsumerDefinition(TaskReportPartitioner partitioner, ReportSenders senders)
    : TaskReportConsumerDefinition<TaskHealthChangedConsumer, TaskHealthChanged>(partitioner, senders, report => report.TaskId, report => report.NodeId);
