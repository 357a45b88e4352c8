using MassTransit;
using Orchestrator.Contracts;
using Orchestrator.StateStore.Outbox;
using Orchestrator.StateStore.Persistence;

namespace Orchestrator.StateStore.Consumers;

/// <summary>Returns a drained node to service. A Down node becomes Ready only by heartbeating again.</summary>
public sealed class MarkNodeReadyConsumer(StateTransaction transaction, OutboxWriter outbox) : IConsumer<MarkNodeReady>
{
    public Task Consume(ConsumeContext<MarkNodeReady> context)
    {
        var nodeId = context.Message.NodeId;
        return transaction.AnswerAsync(context, async db =>
        {
            var node = await db.Nodes.FindAsync([nodeId], context.CancellationToken);
            if (node is null)
                return new NodeNotFound(nodeId);
            if (node.ReturnToService())
                outbox.Publish(new NodeReady(node.Id, node.Name));
            return await NodeAnswers.AfterAsync(db, nodeId, context.CancellationToken);
        });
    }
}
