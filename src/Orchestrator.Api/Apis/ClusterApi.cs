using Microsoft.EntityFrameworkCore;
using Orchestrator.Api.Extensions;
using Orchestrator.Api.Security;
using Orchestrator.Contracts;
using Orchestrator.Domain.Tasks;
using Orchestrator.StateStore.Persistence;

namespace Orchestrator.Api.Apis;

/// <summary>What a dashboard asks first: who it is asking as, and the cluster's tasks counted by state.</summary>
public static class ClusterApi
{
    public static IEndpointRouteBuilder MapClusterApi(this IEndpointRouteBuilder app)
    {
        app.MapGet("/me", Me)
            .WithTags("Cluster")
            .WithSummary("The calling key's name, and whether it may change anything")
            .WithDescription("canChange is false for a key under Api:ReadOnlyKeys, which may only read.");
        app.MapGet("/summary", SummaryAsync)
            .WithTags("Cluster")
            .WithSummary("The cluster's tasks counted by state")
            .WithDescription("Every state is listed, with 0 where no task is in it. Finished tasks count until retention removes them.");
        return app;
    }

    public static CallerDetails Me(HttpContext http) =>
        new(http.User.Identity?.Name ?? CallerStamp<object>.Anonymous, http.User.IsInRole(WriteAccess.WriterRole));

    public static async Task<ClusterSummary> SummaryAsync(
        [FromKeyedServices(StoreReads.Key)] OrchestratorDbContext store, CancellationToken cancellationToken)
    {
        var counted = await store.Tasks.GroupBy(t => t.State).Select(g => new { State = g.Key, Count = g.Count() })
            .ToDictionaryAsync(c => c.State, c => c.Count, cancellationToken);
        return new ClusterSummary(Enum.GetValues<TaskState>().ToDictionary(state => state, state => counted.GetValueOrDefault(state)));
    }
}
