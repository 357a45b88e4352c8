using MassTransit;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Orchestrator.Api.Extensions;
using Orchestrator.Contracts;
using Orchestrator.StateStore.Persistence;
using Orchestrator.StateStore.Persistence.Queries;

namespace Orchestrator.Api.Apis;

/// <summary>
/// A node's named volumes, asked of the node's own agent over its queue (as a task's logs are): only the agent sees
/// its engine. The node is looked up first, so an unknown node is told apart from one whose agent does not answer.
/// </summary>
public static class NodeVolumesApi
{
    public static RouteGroupBuilder MapNodeVolumesApi(this RouteGroupBuilder nodes)
    {
        nodes.MapGet("/{id:guid}/volumes", ListVolumesAsync)
            .WithSummary("List a node's volumes")
            .WithDescription("The named volumes the node's agent made for tasks: their job and slot, the task that made each, and the containers that reference each now.");
        nodes.MapDelete("/{id:guid}/volumes/{name}", RemoveVolumeAsync)
            .WithSummary("Remove a volume from a node, and its data")
            .WithDescription("Refused (409) while any container references it, a stopped one too.");
        return nodes;
    }

    public static async Task<Results<Ok<IReadOnlyList<VolumeDetails>>, NotFound<ProblemDetails>, ProblemHttpResult>> ListVolumesAsync(
        Guid id, IBus bus, [FromKeyedServices(StoreReads.Key)] OrchestratorDbContext store, CancellationToken cancellationToken)
    {
        if (!await store.NodeExistsAsync(id, cancellationToken))
            return NodesApi.NoSuchNode(id);
        try
        {
            var response = await bus.AgentRequestClient<ListVolumes>(id).GetResponse<VolumeList>(new ListVolumes(), cancellationToken);
            return TypedResults.Ok(response.Message.Volumes);
        }
        catch (RequestTimeoutException)
        {
            return NodeDidNotAnswer(id);
        }
    }

    public static async Task<Results<NoContent, NotFound<ProblemDetails>, Conflict<ProblemDetails>, ProblemHttpResult>> RemoveVolumeAsync(
        Guid id, string name, IBus bus, [FromKeyedServices(StoreReads.Key)] OrchestratorDbContext store, CancellationToken cancellationToken)
    {
        if (!await store.NodeExistsAsync(id, cancellationToken))
            return NodesApi.NoSuchNode(id);
        Response<VolumeRemoved, VolumeRemovalRefused, VolumeNotFound> response;
        try
        {
            response = await bus.AgentRequestClient<RemoveVolume>(id)
                .GetResponse<VolumeRemoved, VolumeRemovalRefused, VolumeNotFound>(new RemoveVolume(name), cancellationToken);
        }
        catch (RequestTimeoutException)
        {
            return NodeDidNotAnswer(id);
        }
        if (response.Is(out Response<VolumeRemoved>? _))
            return TypedResults.NoContent();
        if (response.Is(out Response<VolumeRemovalRefused>? refused))
            return TypedResults.Conflict(new ProblemDetails
            {
                Status = StatusCodes.Status409Conflict,
                Title = "The volume is in use.",
                Detail = refused.Message.Reason,
            });
        return TypedResults.NotFound(new ProblemDetails
        {
            Status = StatusCodes.Status404NotFound,
            Title = "No such volume.",
            Detail = $"Node {id} holds no volume named {name} that the orchestrator made.",
        });
    }

    private static ProblemHttpResult NodeDidNotAnswer(Guid id) => TypedResults.Problem(
        statusCode: StatusCodes.Status504GatewayTimeout,
        title: "The node did not answer.",
        detail: $"The agent of node {id} did not answer in time: the node may be down. Its volumes can be listed or removed once it is back.");
}
