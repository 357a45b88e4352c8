using Microsoft.EntityFrameworkCore;
using Orchestrator.Contracts;

namespace Orchestrator.StateStore.Persistence.Queries;

/// <summary>A page of the audit trail, newest first, by the entries' key: one key's, one kind's, a span of time's.</summary>
public static class AuditQueries
{
    public const int DefaultLimit = 500;
    public const int MaxLimit = 5000;

    /// <param name="before">Continue after the entry with this sequence (the last of the page before).</param>
    public static async Task<IReadOnlyList<AuditEntryDetails>> AuditAsync(
        this OrchestratorDbContext db, string? key, string? kind, DateTimeOffset? since, DateTimeOffset? until, long? before, int limit,
        CancellationToken cancellationToken)
    {
        var entries = db.AuditEntries.AsNoTracking();
        if (key is not null)
            entries = entries.Where(e => e.Caller == key);
        if (kind is not null)
            entries = entries.Where(e => e.Kind == kind);
        if (since is { } from)
            entries = entries.Where(e => e.At >= from);
        if (until is { } to)
            entries = entries.Where(e => e.At < to);
        if (before is { } last)
            entries = entries.Where(e => e.Id < last);
        return await entries
            .OrderByDescending(e => e.Id)
            .Take(Math.Clamp(limit, 1, MaxLimit))
            .Select(e => new AuditEntryDetails(e.Id, e.At, e.Caller, e.Address, e.Kind, e.Subject))
            .ToListAsync(cancellationToken);
    }
}
