using MassTransit;
using Microsoft.AspNetCore.Http.HttpResults;
using Orchestrator.Contracts;

namespace Orchestrator.Api.Apis;

public static class NodesApi
{
    public static RouteGroupBuilder MapNodesApi(this IEndpointRouteBuilder app)
    {
        var nodes = app.MapGroup("/api/nodes").WithTags("Nodes");
        nodes.MapGet("/", ListNodesAsync)
            .WithSummary("List worker nodes")
            .WithDescription("Each node's status, and its capacity, allocatable, allocated and used cpu, memory and disk.");
        return nodes;
    }

    public static async Task<Ok<IReadOnlyList<NodeDetails>>> ListNodesAsync(
        IRequestClient<ListNodes> client, CancellationToken cancellationToken)
    {
        var response = await client.GetResponse<NodeList>(new ListNodes(), cancellationToken);
        return TypedResults.Ok(response.Message.Nodes);
    }
}
