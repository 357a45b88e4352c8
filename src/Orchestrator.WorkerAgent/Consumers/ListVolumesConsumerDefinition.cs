using Orchestrator.WorkerAgent.Host;

namespace Orchestrator.WorkerAgent.Consumers;

public sealed class ListVolumesConsumerDefinition(NodeIdentity node) : NodeQueueConsumerDefinition<ListVolumesConsumer>(node);
