using MassTransit;
using Orchestrator.Contracts;
using Orchestrator.WorkerAgent.Extensions;
using Orchestrator.WorkerAgent.Host;

namespace Orchestrator.WorkerAgent.Consumers;

/// <summary>
/// A command for this node, taken from the node's own queue (<see cref="AgentQueue"/>), where StateStore and the Api
/// send it. Commands are sent to that queue, never published, so the queue is bound to nothing but its own exchange:
/// a published <c>StartTask</c> would otherwise reach every node. Its faults are not published either (nothing
/// subscribes to them; a failed command stays in <c>agent-{node}_error</c>). So the agent's broker user needs no
/// rights beyond its own queues, the events it publishes and the reply queues it answers
/// (<c>deploy/rabbitmq/add-agent-user.sh</c>). Each of the agent's consumers has a definition of its own deriving
/// from this one, beside it.
/// </summary>
public abstract class NodeQueueConsumerDefinition<TConsumer> : ConsumerDefinition<TConsumer>
    where TConsumer : class, IConsumer
{
    protected NodeQueueConsumerDefinition(NodeIdentity node)
    {
        var queue = AgentQueue.Name(node.Id);
        Endpoint(endpoint =>
        {
            endpoint.Name = queue;
            endpoint.AddConfigureEndpointCallback((_, receive) => WorkerAgentExtensions.ConfigureNodeQueue(receive));
        });
    }
}
