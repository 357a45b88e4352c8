using Microsoft.EntityFrameworkCore;
using Orchestrator.Bench.Cluster;
using Orchestrator.Domain.Tasks;

namespace Orchestrator.Bench.Measurement;

/// <summary>Submit to Running cut at the states StateStore records: the POST until Pending is committed, Pending to Scheduled, Scheduled to Running.</summary>
public sealed record LifecycleStages(LatencySummary PostToPending, LatencySummary PendingToScheduled, LatencySummary ScheduledToRunning)
{
    /// <summary>
    /// Reads each task's first Pending, Scheduled and Running events. These hold for every task however the
    /// scheduler batched it, where a trace follows only the submission that woke the placement pass.
    /// </summary>
    // States are stored by name, so they are named here rather than compared by order.
    private static readonly TaskState[] Stages = [TaskState.Pending, TaskState.Scheduled, TaskState.Running];

    public static async Task<LifecycleStages> ReadAsync(BenchCluster cluster, IReadOnlyList<Submission> submissions, CancellationToken cancellationToken)
    {
        var sent = submissions.ToDictionary(s => s.TaskId, s => s.SentAt);
        var times = new Dictionary<(Guid, TaskState), DateTimeOffset>();
        foreach (var chunk in sent.Keys.Chunk(5000))
        {
            await using var db = cluster.Database();
            var rows = await db.TaskEvents
                .Where(e => chunk.Contains(e.TaskId) && Stages.Contains(e.State))
                .GroupBy(e => new { e.TaskId, e.State })
                .Select(g => new { g.Key.TaskId, g.Key.State, At = g.Min(e => e.At) })
                .ToListAsync(cancellationToken);
            foreach (var row in rows)
                times[(row.TaskId, row.State)] = row.At;
        }

        IEnumerable<TimeSpan> Between(Func<Guid, DateTimeOffset?> from, TaskState to) =>
            sent.Keys
                .Where(id => from(id) is not null && times.ContainsKey((id, to)))
                .Select(id => times[(id, to)] - from(id)!.Value);
        DateTimeOffset? At(Guid id, TaskState state) => times.TryGetValue((id, state), out var at) ? at : null;

        return new LifecycleStages(
            LatencySummary.Of(Between(id => sent[id], TaskState.Pending)),
            LatencySummary.Of(Between(id => At(id, TaskState.Pending), TaskState.Scheduled)),
            LatencySummary.Of(Between(id => At(id, TaskState.Scheduled), TaskState.Running)));
    }
}
