using Microsoft.EntityFrameworkCore;
using Orchestrator.Domain.Tasks;
using Orchestrator.StateStore.Persistence;

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
    /// <summary>Records each probe that is newer than the task's and about its current, unfinished attempt.</summary>
    public static async Task RecordNewestAsync(OrchestratorDbContext db, IEnumerable<ProbeReport> reports, CancellationToken cancellationToken)
    {
        var probes = reports
            .GroupBy(probe => probe.TaskId)
            .Select(task => task.MaxBy(probe => probe.At))
            .ToList();
        if (probes.Count == 0)
            return;
        var ids = probes.Select(p => p.TaskId).ToArray();
        var nodes = probes.Select(p => p.NodeId).ToArray();
        var attempts = probes.Select(p => p.Attempt).ToArray();
        var health = probes.Select(p => p.Health.ToString()).ToArray();
        var at = probes.Select(p => p.At.ToUniversalTime()).ToArray();
        var results = probes.Select(p => p.Result).ToArray();
        var terminal = TaskStateMachine.TerminalStates.Select(state => state.ToString()).ToArray();
        // Rows are locked in id order, so two of these statements over overlapping tasks take them in the same order.
        await db.Database.ExecuteSqlAsync($"""
            WITH probe AS (
                SELECT * FROM unnest({ids}, {nodes}, {attempts}, {health}, {at}, {results})
                    AS p(id, node, attempt, health, at, result)),
            newer AS MATERIALIZED (
                SELECT t."Id" FROM orchestrator.tasks t JOIN probe p ON t."Id" = p.id
                WHERE t."NodeId" = p.node AND t."Attempt" = p.attempt AND t."State" <> ALL({terminal})
                    AND (t."LastProbeAt" IS NULL OR t."LastProbeAt" < p.at)
                ORDER BY t."Id" FOR UPDATE OF t)
            UPDATE orchestrator.tasks t SET "Health" = p.health, "LastProbeAt" = p.at, "LastProbeResult" = left(p.result, 512)
            FROM probe p, newer
            WHERE t."Id" = p.id AND t."Id" = newer."Id" AND (t."LastProbeAt" IS NULL OR t."LastProbeAt" < p.at)
            """, cancellationToken);
    }

    /// <summary>
    /// A restart voids the verdict of the probes before it: the task's health is Unknown until the restarted
    /// container is probed. A probe of the restarted container already recorded (its report overtook the restart's)
    /// keeps its verdict. The time and result of the last probe stay, as what was last seen.
    /// </summary>
    public static async Task ForgetVerdictBeforeAsync(OrchestratorDbContext db, Guid taskId, DateTimeOffset restartedAt, CancellationToken cancellationToken)
    {
        var unknown = nameof(HealthStatus.Unknown);
        await db.Database.ExecuteSqlAsync($"""
            UPDATE orchestrator.tasks SET "Health" = {unknown}
            WHERE "Id" = {taskId} AND ("LastProbeAt" IS NULL OR "LastProbeAt" <= {restartedAt.ToUniversalTime()})
            """, cancellationToken);
    }
}
