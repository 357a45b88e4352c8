using Orchestrator.WorkerAgent.Host;

namespace Orchestrator.WorkerAgent.Consumers;

public sealed class StopTaskConsumerDefinition(NodeIdentity node) : NodeQueueConsumerDefinition<StopTaskConsumer>(node);
