using MassTransit;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Orchestrator.Contracts;
using Orchestrator.Api.Extensions;
using Orchestrator.StateStore.Persistence;
using Orchestrator.StateStore.Persistence.Queries;

namespace Orchestrator.Api.Apis;

public static class NodesApi
{
    public static RouteGroupBuilder MapNodesApi(this IEndpointRouteBuilder app)
    {
        // On the parent, so that the route (and the span's name) is "/api/nodes", not "/api/nodes/".
        app.MapGet("/nodes", ListNodesAsync)
            .WithTags("Nodes")
            .WithSummary("List worker nodes")
            .WithDescription("Each node's status, and its capacity, allocatable, allocated and used cpu, memory and disk.");
        var nodes = app.MapGroup("/nodes").WithTags("Nodes");
        nodes.MapPost("/{id:guid}/drain", DrainNodeAsync)
            .WithSummary("Drain a node")
            .WithDescription("Nothing new is placed on the node, and its tasks move to other nodes.");
        nodes.MapPost("/{id:guid}/ready", MarkNodeReadyAsync).WithSummary("Return a drained node to service");
        return nodes;
    }

    public static Task<Results<Ok<NodeDetails>, NotFound<ProblemDetails>>> DrainNodeAsync(
        Guid id, IRequestClient<DrainNode> client, CancellationToken cancellationToken) =>
        AnswerAsync(client.GetResponse<NodeDetails, NodeNotFound>(new DrainNode(id), cancellationToken), id);

    public static Task<Results<Ok<NodeDetails>, NotFound<ProblemDetails>>> MarkNodeReadyAsync(
        Guid id, IRequestClient<MarkNodeReady> client, CancellationToken cancellationToken) =>
        AnswerAsync(client.GetResponse<NodeDetails, NodeNotFound>(new MarkNodeReady(id), cancellationToken), id);

    private static async Task<Results<Ok<NodeDetails>, NotFound<ProblemDetails>>> AnswerAsync(
        Task<Response<NodeDetails, NodeNotFound>> request, Guid id)
    {
        var response = await request;
        if (response.Is(out Response<NodeDetails>? found))
            return TypedResults.Ok(found.Message);
        return NoSuchNode(id);
    }

    internal static NotFound<ProblemDetails> NoSuchNode(Guid id) => TypedResults.NotFound(new ProblemDetails
    {
        Status = StatusCodes.Status404NotFound,
        Title = "No such node.",
        Detail = $"There is no node with id {id}.",
    });

    public static async Task<Ok<IReadOnlyList<NodeDetails>>> ListNodesAsync(
        [FromKeyedServices(StoreReads.Key)] OrchestratorDbContext store, CancellationToken cancellationToken) =>
        TypedResults.Ok(await store.ListNodesAsync(cancellationToken));
}
