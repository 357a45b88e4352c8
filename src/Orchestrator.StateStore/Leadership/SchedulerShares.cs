using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata;
using Orchestrator.Contracts;
using Orchestrator.StateStore.Persistence;
using Orchestrator.StateStore.Persistence.Entities;

namespace Orchestrator.StateStore.Leadership;

/// <summary>
/// Divides the Pending queue among the Schedulers that are alive. Each request for placement work renews its
/// Scheduler's row in the <c>leases</c> table (named <see cref="Prefix"/> and the Scheduler's own name, held for the
/// TTL it asks for); the Schedulers whose rows have not run out, in the order of their names, are the members, and a
/// member gets the tasks whose id hashes to its place among them. A Scheduler that dies keeps its share until its
/// row runs out; a membership that changes between two requests of one pass may hand a task to two Schedulers or to
/// none for that pass, which StateStore's version check and the next pass absorb.
/// </summary>
public static class SchedulerShares
{
    public const string Prefix = "scheduler/";

    /// <summary>How long a row that ran out is kept before a request sweeps it away (each Scheduler start makes one).</summary>
    private static readonly TimeSpan KeepExpired = TimeSpan.FromHours(1);

    /// <summary>The longest a Scheduler may be counted without asking again.</summary>
    private static readonly TimeSpan MaxTtl = TimeSpan.FromMinutes(5);

    private static string? _joinSql;

    /// <summary>The lease row of a Scheduler: its name, cut from the left to fit (the unique part is at its end).</summary>
    public static string RowName(string scheduler)
    {
        var room = LeaseRecord.MaxNameLength - Prefix.Length;
        return Prefix + (scheduler.Length <= room ? scheduler : scheduler[^room..]);
    }

    /// <summary>
    /// Renews row <c>{0}</c> for <c>{1}</c>, sweeps rows that ran out long ago, and returns the rows of every
    /// member, this one included, in order. The renewal's own row is not visible to the statement's other parts (they
    /// read the table as it was before it), so it is added from what the insert returns.
    /// </summary>
    public static string JoinSql(IModel model)
    {
        var table = model.Table<LeaseRecord>();
        var name = model.Column<LeaseRecord>(nameof(LeaseRecord.Name));
        var holder = model.Column<LeaseRecord>(nameof(LeaseRecord.Holder));
        var expiresAt = model.Column<LeaseRecord>(nameof(LeaseRecord.ExpiresAt));
        return $$"""
            WITH renewed AS (
                INSERT INTO {{table}} AS lease ({{name}}, {{holder}}, {{expiresAt}}) VALUES ({0}, {0}, now() + {1})
                ON CONFLICT ({{name}}) DO UPDATE SET {{expiresAt}} = excluded.{{expiresAt}}
                RETURNING lease.{{name}}),
            swept AS (
                DELETE FROM {{table}} WHERE {{name}} LIKE '{{Prefix}}%' AND {{expiresAt}} < now() - {2})
            SELECT {{name}} AS "Value" FROM {{table}} WHERE {{name}} LIKE '{{Prefix}}%' AND {{expiresAt}} > now() AND {{name}} <> {0}
            UNION ALL SELECT {{name}} FROM renewed
            ORDER BY 1
            """;
    }

    /// <summary>
    /// Counts <paramref name="member"/> among the Schedulers for its TTL, and returns its share now. A TTL of zero ends
    /// its membership: its row runs out at once, and the others' next requests divide the queue without it.
    /// </summary>
    public static async Task<PendingShare> JoinAsync(OrchestratorDbContext db, SchedulerMember member, CancellationToken cancellationToken)
    {
        var row = RowName(member.Name);
        var ttl = member.Ttl < TimeSpan.Zero ? TimeSpan.Zero : member.Ttl > MaxTtl ? MaxTtl : member.Ttl;
        var members = await db.Database.SqlQueryRaw<string>(_joinSql ??= JoinSql(db.Model), row, ttl, KeepExpired)
            .ToListAsync(cancellationToken);
        return PendingShare.Of(members, row);
    }
}

/// <summary>
/// The part of the Pending queue one Scheduler places: the tasks whose id hashes to <see cref="Index"/> modulo
/// <see cref="Count"/>.
/// </summary>
public readonly record struct PendingShare(int Index, int Count)
{
    /// <summary>The whole queue: what a Scheduler that does not name itself gets.</summary>
    public static PendingShare Whole { get; } = new(0, 1);

    public bool IsWhole => Count == 1;

    /// <summary>The share of <paramref name="member"/> among <paramref name="members"/>, which are in the same order in every instance.</summary>
    public static PendingShare Of(IReadOnlyList<string> members, string member)
    {
        var index = members.ToList().IndexOf(member);
        return index < 0 ? Whole : new PendingShare(index, members.Count);
    }
}
