using Orchestrator.WorkerAgent.Host;

namespace Orchestrator.WorkerAgent.Consumers;

public sealed class StartTaskConsumerDefinition(NodeIdentity node) : NodeQueueConsumerDefinition<StartTaskConsumer>(node);
