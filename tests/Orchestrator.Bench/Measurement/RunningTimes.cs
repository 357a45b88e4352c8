using Microsoft.EntityFrameworkCore;
using Orchestrator.Bench.Cluster;
using Orchestrator.Domain.Tasks;

namespace Orchestrator.Bench.Measurement;

/// <summary>
/// When each task became Running, as StateStore recorded it: the time of its Running event, taken by StateStore's
/// clock in the transaction that made the task Running. StateStore runs in the bench's process, so that clock is
/// the one the submitter stamped the POSTs with, and no client polling blurs the figure.
/// </summary>
public sealed class RunningTimes(BenchCluster cluster)
{
    public async Task<IReadOnlyDictionary<Guid, DateTimeOffset>> ReadAsync(IReadOnlyCollection<Guid> taskIds, CancellationToken cancellationToken)
    {
        var result = new Dictionary<Guid, DateTimeOffset>(taskIds.Count);
        foreach (var chunk in taskIds.Chunk(5000))
        {
            await using var db = cluster.Database();
            var rows = await db.TaskEvents
                .Where(e => e.State == TaskState.Running && chunk.Contains(e.TaskId))
                .GroupBy(e => e.TaskId)
                .Select(g => new { TaskId = g.Key, At = g.Min(e => e.At) })
                .ToListAsync(cancellationToken);
            foreach (var row in rows)
                result[row.TaskId] = row.At;
        }
        return result;
    }

    /// <summary>Waits until every task has been Running, or the timeout passes; returns what was seen.</summary>
    public async Task<IReadOnlyDictionary<Guid, DateTimeOffset>> WaitForAllAsync(
        IReadOnlyCollection<Guid> taskIds, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var deadline = DateTimeOffset.UtcNow + timeout;
        while (true)
        {
            var seen = await ReadAsync(taskIds, cancellationToken);
            if (seen.Count == taskIds.Count || DateTimeOffset.UtcNow > deadline)
                return seen;
            await Task.Delay(TimeSpan.FromMilliseconds(taskIds.Count > 1000 ? 1000 : 100), cancellationToken);
        }
    }

    /// <summary>POST sent to Running, for every submission that reached Running.</summary>
    public static IReadOnlyList<TimeSpan> SubmitToRunning(IEnumerable<Submission> submissions, IReadOnlyDictionary<Guid, DateTimeOffset> running) =>
        submissions.Where(s => running.ContainsKey(s.TaskId)).Select(s => running[s.TaskId] - s.SentAt).ToList();
}
