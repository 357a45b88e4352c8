using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata;
using Orchestrator.Contracts;
using Orchestrator.Domain.Capacity;
using Orchestrator.Domain.Nodes;
using Orchestrator.StateStore.Persistence;
using Orchestrator.StateStore.Persistence.Entities;

namespace Orchestrator.StateStore.Heartbeats;

/// <summary>
/// Nearly every heartbeat is from a known node that is not Down: one UPDATE for all of them, no advisory lock,
/// nothing tracked. It writes what <see cref="NodeRecord.Refresh"/> does, a column from an array per property
/// (<c>unnest</c>), each property declared once in <see cref="Columns"/> with the heartbeat's value for it.
/// </summary>
public static class KnownNodeRefresh
{
    /// <summary>A column the statement writes: the property it stores, the heartbeat's value, and a cast from the array's type.</summary>
    private sealed record Column(string[] Property, Func<IReadOnlyList<NodeHeartbeat>, HeartbeatFindings, object> Values, string Cast = "");

    private static Column Set<T>(Func<NodeHeartbeat, HeartbeatFindings, T> value, string[] property, string cast = "") =>
        new(property, (heartbeats, findings) => heartbeats.Select(heartbeat => value(heartbeat, findings)).ToArray(), cast);

    private static readonly Column[] Columns =
    [
        Set((h, _) => h.Name, [nameof(NodeRecord.Name)]),
        Set((h, _) => h.Address, [nameof(NodeRecord.Address)]),
        Set((h, _) => NodeRecord.DatacenterOf(h), [nameof(NodeRecord.Datacenter)]),
        Set((h, _) => JsonColumn.Serialize(NodeRecord.LabelsOf(h)), [nameof(NodeRecord.Labels)], "::jsonb"),
        Set((h, _) => JsonColumn.Serialize(NodeRecord.HostVolumesOf(h)), [nameof(NodeRecord.HostVolumes)], "::jsonb"),
        Set((h, _) => h.Capacity.Cpu, [nameof(NodeRecord.Capacity), nameof(Resources.Cpu)]),
        Set((h, _) => h.Capacity.MemoryMb, [nameof(NodeRecord.Capacity), nameof(Resources.MemoryMb)]),
        Set((h, _) => h.Capacity.DiskMb, [nameof(NodeRecord.Capacity), nameof(Resources.DiskMb)]),
        Set((h, _) => h.Allocatable.Cpu, [nameof(NodeRecord.Allocatable), nameof(Resources.Cpu)]),
        Set((h, _) => h.Allocatable.MemoryMb, [nameof(NodeRecord.Allocatable), nameof(Resources.MemoryMb)]),
        Set((h, _) => h.Allocatable.DiskMb, [nameof(NodeRecord.Allocatable), nameof(Resources.DiskMb)]),
        Set((h, _) => h.Used.Cpu, [nameof(NodeRecord.Used), nameof(Resources.Cpu)]),
        Set((h, _) => h.Used.MemoryMb, [nameof(NodeRecord.Used), nameof(Resources.MemoryMb)]),
        Set((h, _) => h.Used.DiskMb, [nameof(NodeRecord.Used), nameof(Resources.DiskMb)]),
        Set((h, findings) => JsonColumn.Serialize(findings.UnknownOn(h.NodeId)), [nameof(NodeRecord.UnknownContainers)], "::jsonb"),
    ];

    private static string? _sql;

    /// <summary>
    /// Refreshes the batch's known nodes that are not Down, and answers their ids. Every known node of the batch is
    /// locked here, in id order, the order PlaceTasks locks nodes in, Down ones included: <see cref="NodeRegistration"/>
    /// updates those later in the transaction, and locking them only then (after the others, out of order) let a
    /// placement that holds one and waits for another deadlock with the batch.
    /// </summary>
    public static async Task<HashSet<Guid>> RefreshAsync(
        OrchestratorDbContext db, IReadOnlyList<NodeHeartbeat> heartbeats, HeartbeatFindings findings, DateTimeOffset now,
        CancellationToken cancellationToken)
    {
        // Parameters in the statement's order: the ids, each column's values, then the time and the status it skips.
        object[] parameters =
        [
            heartbeats.Select(h => h.NodeId).ToArray(),
            .. Columns.Select(column => column.Values(heartbeats, findings)),
            now,
            nameof(NodeStatus.Down),
        ];
        var refreshed = await db.Database.SqlQueryRaw<Guid>(_sql ??= Sql(db.Model), parameters).ToListAsync(cancellationToken);
        return [.. refreshed];
    }

    /// <summary>The statement, with the names the model maps (<see cref="SqlNames"/>); built once.</summary>
    public static string Sql(IModel model)
    {
        var nodes = model.Table<NodeRecord>();
        var id = model.Column<NodeRecord>(nameof(NodeRecord.Id));
        var values = string.Join(", ", Columns.Select((_, i) => $"{{{i + 1}}}"));
        var aliases = string.Join(", ", Columns.Select((_, i) => $"v{i}"));
        var assignments = string.Join(",\n    ", Columns.Select((column, i) =>
            $"{model.Column<NodeRecord>(column.Property)} = beat.v{i}{column.Cast}"));
        var (now, down) = (Columns.Length + 1, Columns.Length + 2);
        return $$"""
            WITH beat AS (
                SELECT * FROM unnest({0}, {{values}}) AS b(id, {{aliases}})),
            locked AS MATERIALIZED (
                SELECT n.{{id}} FROM {{nodes}} n JOIN beat ON n.{{id}} = beat.id
                ORDER BY n.{{id}} FOR UPDATE OF n)
            UPDATE {{nodes}} n SET
                {{assignments}},
                {{model.Column<NodeRecord>(nameof(NodeRecord.LastHeartbeatAt))}} = {{{now}}}
            FROM beat, locked
            WHERE n.{{id}} = beat.id AND n.{{id}} = locked.{{id}} AND n.{{model.Column<NodeRecord>(nameof(NodeRecord.Status))}} <> {{{down}}}
            RETURNING n.{{id}} AS "Value"
            """;
    }
}
