using Microsoft.EntityFrameworkCore;
using Orchestrator.Domain.Jobs;
using Orchestrator.Domain.Tasks;
using Orchestrator.IntegrationTests.Infrastructure;
using Orchestrator.StateStore.Persistence;
using Orchestrator.StateStore.Persistence.Entities;
using Orchestrator.StateStore.Retention;
using Orchestrator.Testing;

namespace Orchestrator.IntegrationTests;

/// <summary>Finished tasks past their time are removed with their history; live tasks and a batch job's are kept.</summary>
[Collection(ClusterCollection.Name)]
public sealed class FinishedTaskRetentionTests(ClusterFixture cluster)
{
    [Fact]
    public async Task Tasks_finished_before_the_cutoff_go_with_their_events_but_not_live_ones_nor_those_of_a_batch_job()
    {
        var database = $"retention_{Guid.NewGuid():N}";
        var configuration = new Dictionary<string, string?>(cluster.Configuration)
        {
            ["ConnectionStrings:orchestratordb"] = cluster.PostgresConnectionString(database),
            ["ConnectionStrings:messaging"] = await cluster.CreateVirtualHostAsync(database),
        };
        using (var stateStore = InProcessServices.StateStore(configuration, ServiceHosts.Settings))
        {
            await stateStore.StartAsync();
            await stateStore.StopAsync();
        }
        await using var db = new OrchestratorDbContext(new DbContextOptionsBuilder<OrchestratorDbContext>()
            .UseNpgsql(cluster.PostgresConnectionString(database), npgsql => OrchestratorDbContext.PinHistoryTable(npgsql)).Options);
        var now = DateTimeOffset.UtcNow;
        var spec = new TaskSpec { Name = "t", Image = TestImages.Workload };
        db.Jobs.Add(JobRecord.Create("nightly", new JobSpec { Type = JobType.Batch, Task = spec }, now.AddDays(-3)));
        db.Jobs.Add(JobRecord.Create("web", new JobSpec { Task = spec }, now.AddDays(-3)));
        var old = Finished(db, spec, now.AddDays(-2));
        var recent = Finished(db, spec, now.AddHours(-1));
        var live = TaskRecord.Submit(Guid.NewGuid(), spec, now.AddDays(-2), traceParent: null);
        db.Tasks.Add(live);
        var batch = Finished(db, spec, now.AddDays(-2), job: "nightly");
        var service = Finished(db, spec, now.AddDays(-2), job: "web");
        await db.SaveChangesAsync();

        var removed = await FinishedTaskRetention.RemoveAsync(db, now.AddDays(-1), batchSize: 1000, CancellationToken.None);

        Assert.Equal(2, removed);
        var left = await db.Tasks.AsNoTracking().Select(t => t.Id).ToListAsync();
        Assert.Equal(new[] { recent, live.Id, batch }.Order(), left.Order());
        Assert.DoesNotContain(old, left);
        Assert.DoesNotContain(service, left);
        Assert.False(await db.TaskEvents.AnyAsync(e => e.TaskId == old || e.TaskId == service));
        Assert.True(await db.TaskEvents.AnyAsync(e => e.TaskId == recent));

        // A batch of one takes the oldest first, and the next pass the rest.
        var more = new[] { Finished(db, spec, now.AddDays(-5)), Finished(db, spec, now.AddDays(-4)) };
        await db.SaveChangesAsync();
        Assert.Equal(1, await FinishedTaskRetention.RemoveAsync(db, now.AddDays(-1), batchSize: 1, CancellationToken.None));
        Assert.False(await db.Tasks.AnyAsync(t => t.Id == more[0]));
        Assert.True(await db.Tasks.AnyAsync(t => t.Id == more[1]));
    }

    /// <summary>A task submitted and cancelled before placement at <paramref name="at"/>: Completed then, with its events.</summary>
    private static Guid Finished(OrchestratorDbContext db, TaskSpec spec, DateTimeOffset at, string? job = null)
    {
        var task = TaskRecord.Submit(Guid.NewGuid(), spec, at, traceParent: null, jobName: job, jobRevision: job is null ? null : 1, jobSlot: job is null ? null : 1);
        db.Tasks.Add(task);
        db.TaskEvents.Add(task.RequestStop("done", at)!);
        return task.Id;
    }
}
