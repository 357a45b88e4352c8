using Orchestrator.WorkerAgent.Host;

namespace Orchestrator.WorkerAgent.Consumers;

public sealed class RemoveVolumeConsumerDefinition(NodeIdentity node) : NodeQueueConsumerDefinition<RemoveVolumeConsumer>(node);
