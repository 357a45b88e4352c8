using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata;
using Orchestrator.Domain.Tasks;
using Orchestrator.StateStore.Persistence;
using Orchestrator.StateStore.Persistence.Entities;

namespace Orchestrator.StateStore.Tasks;

/// <summary>An agent's latest probe of the container of one attempt of a task.</summary>
public readonly record struct ProbeReport(Guid TaskId, Guid NodeId, int Attempt, HealthStatus Health, DateTimeOffset At, string? Result);

/// <summary>
/// A task's last probe is a register in which the newest probe wins. Two kinds of message carry it, the agent's
/// verdicts (TaskHealthChanged) and its heartbeats, and they are applied in concurrent transactions in any order. So
/// the comparison is made by the UPDATE against the row as committed, never against a copy read earlier: a heartbeat
/// batch that read a task before a newer verdict committed must not write its older probe over it.
/// </summary>
public static class TaskProbes
{
    private static string? _recordNewestSql;
    private static string? _forgetVerdictSql;

    /// <summary>Records each probe that is newer than the task's and about its current, unfinished attempt.</summary>
    public static async Task RecordNewestAsync(OrchestratorDbContext db, IEnumerable<ProbeReport> reports, CancellationToken cancellationToken)
    {
        var probes = reports
            .GroupBy(probe => probe.TaskId)
            .Select(task => task.MaxBy(probe => probe.At))
            .ToList();
        if (probes.Count == 0)
            return;
        object[] parameters =
        [
            probes.Select(p => p.TaskId).ToArray(),
            probes.Select(p => p.NodeId).ToArray(),
            probes.Select(p => p.Attempt).ToArray(),
            probes.Select(p => p.Health.ToString()).ToArray(),
            probes.Select(p => p.At.ToUniversalTime()).ToArray(),
            probes.Select(p => p.Result).ToArray(),
            TaskStateMachine.TerminalStates.Select(state => state.ToString()).ToArray(),
        ];
        await db.Database.ExecuteSqlRawAsync(_recordNewestSql ??= RecordNewestSql(db.Model), parameters, cancellationToken);
    }

    /// <summary>
    /// A restart voids the verdict of the probes before it: the task's health is Unknown until the restarted
    /// container is probed. A probe of the restarted container already recorded (its report overtook the restart's)
    /// keeps its verdict. The time and result of the last probe stay, as what was last seen.
    /// </summary>
    public static async Task ForgetVerdictBeforeAsync(OrchestratorDbContext db, Guid taskId, DateTimeOffset restartedAt, CancellationToken cancellationToken)
    {
        object[] parameters = [nameof(HealthStatus.Unknown), taskId, restartedAt.ToUniversalTime()];
        await db.Database.ExecuteSqlRawAsync(_forgetVerdictSql ??= ForgetVerdictSql(db.Model), parameters, cancellationToken);
    }

    /// <summary>
    /// The statement of <see cref="RecordNewestAsync"/>, with the names the model maps. Rows are locked in id order, so
    /// two of these statements over overlapping tasks take them in the same order.
    /// </summary>
    public static string RecordNewestSql(IModel model)
    {
        var (tasks, id) = (model.Table<TaskRecord>(), model.Column<TaskRecord>(nameof(TaskRecord.Id)));
        var lastProbeAt = model.Column<TaskRecord>(nameof(TaskRecord.LastProbeAt));
        var (health, healthySince) = (model.Column<TaskRecord>(nameof(TaskRecord.Health)), model.Column<TaskRecord>(nameof(TaskRecord.HealthySince)));
        return $$"""
            WITH probe AS (
                SELECT * FROM unnest({0}, {1}, {2}, {3}, {4}, {5})
                    AS p(id, node, attempt, health, at, result)),
            newer AS MATERIALIZED (
                SELECT t.{{id}} FROM {{tasks}} t JOIN probe p ON t.{{id}} = p.id
                WHERE t.{{model.Column<TaskRecord>(nameof(TaskRecord.NodeId))}} = p.node
                    AND t.{{model.Column<TaskRecord>(nameof(TaskRecord.Attempt))}} = p.attempt
                    AND t.{{model.Column<TaskRecord>(nameof(TaskRecord.State))}} <> ALL({6})
                    AND (t.{{lastProbeAt}} IS NULL OR t.{{lastProbeAt}} < p.at)
                ORDER BY t.{{id}} FOR UPDATE OF t)
            UPDATE {{tasks}} t SET {{health}} = p.health, {{lastProbeAt}} = p.at,
                {{healthySince}} = CASE WHEN p.health <> 'Healthy' THEN NULL WHEN t.{{health}} = 'Healthy' THEN coalesce(t.{{healthySince}}, p.at) ELSE p.at END,
                {{model.Column<TaskRecord>(nameof(TaskRecord.LastProbeResult))}} = left(p.result, {{model.MaxLength<TaskRecord>(nameof(TaskRecord.LastProbeResult))}})
            FROM probe p, newer
            WHERE t.{{id}} = p.id AND t.{{id}} = newer.{{id}} AND (t.{{lastProbeAt}} IS NULL OR t.{{lastProbeAt}} < p.at)
            """;
    }

    /// <summary>The statement of <see cref="ForgetVerdictBeforeAsync"/>, with the names the model maps.</summary>
    public static string ForgetVerdictSql(IModel model)
    {
        var lastProbeAt = model.Column<TaskRecord>(nameof(TaskRecord.LastProbeAt));
        return $$"""
            UPDATE {{model.Table<TaskRecord>()}} SET {{model.Column<TaskRecord>(nameof(TaskRecord.Health))}} = {0},
                {{model.Column<TaskRecord>(nameof(TaskRecord.HealthySince))}} = NULL
            WHERE {{model.Column<TaskRecord>(nameof(TaskRecord.Id))}} = {1} AND ({{lastProbeAt}} IS NULL OR {{lastProbeAt}} <= {2})
            """;
    }
}
