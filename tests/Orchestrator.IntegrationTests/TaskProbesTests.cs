using Microsoft.EntityFrameworkCore;
using Orchestrator.Domain.Tasks;
using Orchestrator.IntegrationTests.Infrastructure;
using Orchestrator.StateStore.Persistence;
using Orchestrator.StateStore.Persistence.Entities;
using Orchestrator.StateStore.Tasks;

namespace Orchestrator.IntegrationTests;

/// <summary>
/// A task's last probe is written by health verdicts and by heartbeat batches in concurrent transactions; the newest
/// probe must win whatever each transaction read before. Runs on a database of its own, so no service sees its tasks.
/// </summary>
[Collection(ClusterCollection.Name)]
public sealed class TaskProbesTests(ClusterFixture cluster) : IAsyncLifetime
{
    private static readonly DateTimeOffset Earlier = new(2026, 11, 26, 10, 0, 0, TimeSpan.Zero);
    private static readonly DateTimeOffset Later = Earlier.AddSeconds(1);
    private readonly Guid _node = Guid.NewGuid();
    private readonly string _database = $"probes_{Guid.NewGuid():N}";

    public async Task InitializeAsync()
    {
        await using var db = Context();
        await db.Database.MigrateAsync();
    }

    public Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public async Task An_older_probe_from_a_batch_that_read_the_task_earlier_does_not_replace_a_newer_one()
    {
        var taskId = await InsertTaskAsync(attempt: 1);
        await using var batch = Context();
        await using var transaction = await batch.Database.BeginTransactionAsync();
        var read = await batch.Tasks.AsNoTracking().SingleAsync(t => t.Id == taskId);
        Assert.Null(read.LastProbeAt); // what the batch's own comparison sees: its older probe looks new

        await using (var verdict = Context())
            await TaskProbes.RecordNewestAsync(verdict, [Probe(taskId, 1, HealthStatus.Healthy, Later, "succeeded")], default);
        await TaskProbes.RecordNewestAsync(batch, [Probe(taskId, 1, HealthStatus.Unknown, Earlier, "Connection refused")], default);
        await transaction.CommitAsync();

        var task = await ReadAsync(taskId);
        Assert.Equal((HealthStatus.Healthy, Later, "succeeded"), (task.Health, task.LastProbeAt, task.LastProbeResult));
    }

    [Fact]
    public async Task The_newest_of_several_probes_in_one_batch_is_recorded()
    {
        var taskId = await InsertTaskAsync(attempt: 1);

        await using (var db = Context())
            await TaskProbes.RecordNewestAsync(db, [
                Probe(taskId, 1, HealthStatus.Healthy, Later, "second"),
                Probe(taskId, 1, HealthStatus.Unknown, Earlier, "first"),
            ], default);

        var task = await ReadAsync(taskId);
        Assert.Equal((HealthStatus.Healthy, Later, "second"), (task.Health, task.LastProbeAt, task.LastProbeResult));
    }

    [Fact]
    public async Task A_probe_of_another_attempt_changes_nothing()
    {
        var taskId = await InsertTaskAsync(attempt: 2);

        await using (var db = Context())
            await TaskProbes.RecordNewestAsync(db, [Probe(taskId, 1, HealthStatus.Unhealthy, Later, "HTTP 500")], default);

        var task = await ReadAsync(taskId);
        Assert.Equal((HealthStatus.Unknown, (DateTimeOffset?)null, (string?)null), (task.Health, task.LastProbeAt, task.LastProbeResult));
    }

    [Fact]
    public async Task A_restart_voids_the_verdict_of_earlier_probes_but_not_of_a_probe_after_it()
    {
        var probedBefore = await InsertTaskAsync(attempt: 1);
        var probedAfter = await InsertTaskAsync(attempt: 1);
        var restartedAt = Earlier.AddMilliseconds(500);
        await using (var db = Context())
        {
            await TaskProbes.RecordNewestAsync(db, [
                Probe(probedBefore, 1, HealthStatus.Healthy, Earlier, "HTTP 200"),
                Probe(probedAfter, 1, HealthStatus.Healthy, Later, "HTTP 200"),
            ], default);
            await TaskProbes.ForgetVerdictBeforeAsync(db, probedBefore, restartedAt, default);
            await TaskProbes.ForgetVerdictBeforeAsync(db, probedAfter, restartedAt, default);
        }

        var before = await ReadAsync(probedBefore);
        var after = await ReadAsync(probedAfter);
        Assert.Equal((HealthStatus.Unknown, Earlier, "HTTP 200"), (before.Health, before.LastProbeAt, before.LastProbeResult));
        Assert.Equal((HealthStatus.Healthy, Later), (after.Health, after.LastProbeAt));
    }

    private ProbeReport Probe(Guid taskId, int attempt, HealthStatus health, DateTimeOffset at, string result) =>
        new(taskId, _node, attempt, health, at, result);

    private async Task<Guid> InsertTaskAsync(int attempt)
    {
        await using var db = Context();
        var spec = new TaskSpec { Name = "probed", Image = TestImages.Workload };
        var task = TaskRecord.Submit(Guid.NewGuid(), spec, Earlier.AddMinutes(-1), traceParent: null);
        db.Tasks.Add(task);
        await db.SaveChangesAsync();
        // Staged behind the task's back: the placement an attempt's probes are about, without the placements before it.
        await db.Tasks.Where(t => t.Id == task.Id)
            .ExecuteUpdateAsync(row => row.SetProperty(t => t.NodeId, _node).SetProperty(t => t.Attempt, attempt));
        return task.Id;
    }

    private async Task<TaskRecord> ReadAsync(Guid taskId)
    {
        await using var db = Context();
        return await db.Tasks.AsNoTracking().SingleAsync(t => t.Id == taskId);
    }

    private OrchestratorDbContext Context() =>
        new(new DbContextOptionsBuilder<OrchestratorDbContext>().UseNpgsql(cluster.PostgresConnectionString(_database)).Options);
}
