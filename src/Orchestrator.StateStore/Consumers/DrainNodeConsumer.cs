using MassTransit;
using Microsoft.EntityFrameworkCore;
using Orchestrator.Contracts;
using Orchestrator.StateStore.Outbox;
using Orchestrator.StateStore.Persistence;
using Orchestrator.StateStore.Persistence.Queries;
using Orchestrator.StateStore.Tasks;

namespace Orchestrator.StateStore.Consumers;

/// <summary>
/// Marks a node Draining: nothing new is placed there, its tasks become Pending to be placed elsewhere, and
/// their old containers are stopped. Draining twice changes nothing more.
/// </summary>
public sealed class DrainNodeConsumer(StateTransaction transaction, TaskLifecycle lifecycle, OutboxWriter outbox) : IConsumer<DrainNode>
{
    public Task Consume(ConsumeContext<DrainNode> context)
    {
        var nodeId = context.Message.NodeId;
        return transaction.AnswerAsync(context, async db =>
        {
            var node = await db.Nodes.FindAsync([nodeId], context.CancellationToken);
            if (node is null)
                return new NodeNotFound(nodeId);
            if (node.Drain())
                outbox.Publish(new NodeDraining(node.Id, node.Name));
            var tasks = await db.LiveTasks().Where(t => t.NodeId == nodeId).ToListAsync(context.CancellationToken);
            foreach (var task in tasks)
            {
                var attempt = task.Attempt;
                lifecycle.ReleaseFromNode(task, $"node {node.Name} is draining");
                lifecycle.SendStop(task, nodeId, attempt, leaveCatalogFirst: true);
            }
            return await NodeAnswers.AfterAsync(db, nodeId, context.CancellationToken);
        });
    }
}
