using Orchestrator.WorkerAgent.Host;

namespace Orchestrator.WorkerAgent.Consumers;

public sealed class GetTaskLogsConsumerDefinition(NodeIdentity node) : NodeQueueConsumerDefinition<GetTaskLogsConsumer>(node);
