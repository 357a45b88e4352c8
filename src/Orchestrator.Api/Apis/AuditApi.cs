using Microsoft.AspNetCore.Http.HttpResults;
using Orchestrator.Api.Extensions;
using Orchestrator.Contracts;
using Orchestrator.StateStore.Persistence;
using Orchestrator.StateStore.Persistence.Queries;

namespace Orchestrator.Api.Apis;

/// <summary>
/// The audit trail: every change asked for through the Api, with the key (by its name) and the address that asked,
/// written by StateStore in the change's own transaction. Any key may read it, as it may read what changed.
/// </summary>
public static class AuditApi
{
    public static IEndpointRouteBuilder MapAuditApi(this IEndpointRouteBuilder app)
    {
        app.MapGet("/audit", ListAuditAsync)
            .WithTags("Audit")
            .WithSummary("The changes asked for through the Api, newest first")
            .WithDescription($"Each entry: when, which API key (by its name) from which address, the command (kind, e.g. CancelTask) and " +
                $"what it was asked of (subject, e.g. task/ID, job/NAME). key, kind, since and until (ISO 8601) filter; limit (1 to " +
                $"{AuditQueries.MaxLimit}, default {AuditQueries.DefaultLimit}) caps the answer; before continues after that sequence. " +
                "A full page carries a Link header (rel=\"next\") to the next one.");
        return app;
    }

    public static async Task<Results<Ok<IReadOnlyList<AuditEntryDetails>>, ValidationProblem>> ListAuditAsync(
        string? key, string? kind, DateTimeOffset? since, DateTimeOffset? until, long? before, int? limit, HttpResponse http,
        [FromKeyedServices(StoreReads.Key)] OrchestratorDbContext store, CancellationToken cancellationToken)
    {
        var errors = new Dictionary<string, string[]>();
        if (limit is < 1 or > AuditQueries.MaxLimit)
            errors["limit"] = [$"limit must be between 1 and {AuditQueries.MaxLimit}."];
        if (before is < 1)
            errors["before"] = ["before must be an entry's sequence, 1 or more."];
        if (since is not null && until is not null && until <= since)
            errors["until"] = ["until must be later than since."];
        if (errors.Count > 0)
            return TypedResults.ValidationProblem(errors, title: "The query is not valid.");

        var pageSize = limit ?? AuditQueries.DefaultLimit;
        var page = await store.AuditAsync(key, kind, since, until, before, pageSize, cancellationToken);
        if (page.Count == pageSize)
            http.Headers.Link = $"<{NextPage(key, kind, since, until, page[^1].Sequence, pageSize)}>; rel=\"next\"";
        return TypedResults.Ok(page);
    }

    private static string NextPage(string? key, string? kind, DateTimeOffset? since, DateTimeOffset? until, long before, int limit)
    {
        var next = $"/api/audit?limit={limit}&before={before}";
        if (key is not null)
            next += $"&key={Uri.EscapeDataString(key)}";
        if (kind is not null)
            next += $"&kind={Uri.EscapeDataString(kind)}";
        if (since is { } from)
            next += $"&since={Uri.EscapeDataString(from.ToString("O"))}";
        if (until is { } to)
            next += $"&until={Uri.EscapeDataString(to.ToString("O"))}";
        return next;
    }
}
