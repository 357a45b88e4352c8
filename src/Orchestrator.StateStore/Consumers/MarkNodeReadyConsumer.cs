using MassTransit;
using Orchestrator.Contracts;
using Orchestrator.StateStore.Outbox;
using Orchestrator.StateStore.Persistence;

namespace Orchestrator.StateStore.Consumers;

/// <summary>Returns a drained node to service. A Down node becomes Ready only by heartbeating again.</summary>
public sealed class MarkNodeReadyConsumer(StateTransaction transaction, OutboxWriter outbox) : IConsumer<MarkNodeReady>
{
    public async Task Consume(ConsumeContext<MarkNodeReady> context)
    {
        var nodeId = context.Message.NodeId;
        var found = await transaction.RunAsync(async db =>
        {
            var node = await db.Nodes.FindAsync([nodeId], context.CancellationToken);
            if (node is not null && node.ReturnToService())
                outbox.Publish(new NodeReady(node.Id, node.Name));
            return node is not null;
        }, context.CancellationToken);
        await NodeAnswers.RespondAsync(context, nodeId, found);
    }
}
