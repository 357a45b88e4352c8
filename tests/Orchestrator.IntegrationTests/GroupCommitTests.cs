using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Npgsql;
using Orchestrator.Domain.Tasks;
using Orchestrator.IntegrationTests.Infrastructure;
using Orchestrator.StateStore.Consumers;
using Orchestrator.StateStore.Persistence;
using Orchestrator.StateStore.Persistence.Entities;
using Orchestrator.StateStore.Tasks;
using Orchestrator.Testing;

namespace Orchestrator.IntegrationTests;

/// <summary>
/// Changes handed to <see cref="GroupCommit"/> while a commit is in flight share the next one, in the cluster's own
/// database: each keeps its caller (audit entry and event), and a change that fails fails alone. Which transaction
/// wrote a row is Postgres's <c>xmin</c>; the rows read are an audit entry and a task's first event, which nothing
/// updates after.
/// </summary>
[Collection(ClusterCollection.Name)]
public sealed class GroupCommitTests(ClusterFixture cluster) : IAsyncLifetime
{
    private readonly List<Guid> _tasks = [];
    private IHost _stateStore = null!;

    public Task InitializeAsync()
    {
        // Another StateStore's services on the cluster's database, not started: only its GroupCommit is used, with
        // one commit at a time, so that holding one commit makes the next changes wait together.
        _stateStore = InProcessServices.StateStore(new Dictionary<string, string?>(cluster.Configuration)
        {
            [$"{ConsumerOptions.Section}:{nameof(ConsumerOptions.GroupCommitConcurrency)}"] = "1",
        }, ServiceHosts.Settings);
        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        await cluster.StopAllAsync(_tasks);
        _stateStore.Dispose();
    }

    [Fact]
    public async Task Changes_waiting_for_a_commit_share_the_next_and_each_keeps_its_caller()
    {
        var commits = _stateStore.Services.GetRequiredService<GroupCommit>();
        var (held, release) = await HoldTheCommitAsync(commits);

        var callers = Enumerable.Range(0, 3).Select(_ => $"group-{Guid.NewGuid():N}"[..20]).ToList();
        var waiting = callers.Select(caller => commits.RunAsync(Audit(caller), (_, lifecycle) => Task.FromResult(Submit(lifecycle)), default)).ToList();
        release();
        var submitted = await Task.WhenAll(waiting);
        _tasks.AddRange(submitted.Select(task => task.Id).Append((await held).Id));

        var written = await Task.WhenAll(callers.Select(WrittenByAsync));
        Assert.Single(written.Distinct());
        for (var i = 0; i < callers.Count; i++)
        {
            var events = await cluster.EventsAsync(submitted[i].Id);
            Assert.Equal((TaskState.Pending, callers[i]), (events[0].State, events[0].Caller));
        }
    }

    [Fact]
    public async Task A_change_that_fails_fails_alone_and_the_others_commit_each_on_its_own()
    {
        var commits = _stateStore.Services.GetRequiredService<GroupCommit>();
        var (held, release) = await HoldTheCommitAsync(commits);

        var callers = Enumerable.Range(0, 2).Select(_ => $"group-{Guid.NewGuid():N}"[..20]).ToList();
        var before = commits.RunAsync(Audit(callers[0]), (_, lifecycle) => Task.FromResult(Submit(lifecycle)), default);
        var failing = commits.RunAsync<TaskRecord>(Audit("group-failing"), (_, lifecycle) =>
        {
            Submit(lifecycle);
            throw new InvalidOperationException("refused by the test");
        }, default);
        var after = commits.RunAsync(Audit(callers[1]), (_, lifecycle) => Task.FromResult(Submit(lifecycle)), default);
        release();
        _tasks.Add((await held).Id);

        Assert.Equal("refused by the test", (await Assert.ThrowsAsync<InvalidOperationException>(() => failing)).Message);
        var tasks = new[] { await before, await after };
        _tasks.AddRange(tasks.Select(task => task.Id));
        var written = await Task.WhenAll(callers.Select(WrittenByAsync));
        Assert.NotEqual(written[0], written[1]);
        foreach (var task in tasks)
            Assert.Equal(TaskState.Pending, (await cluster.GetTaskAsync(task.Id)).State);
        Assert.Equal(0, await CountAuditAsync("group-failing"));
    }

    [Fact]
    public async Task A_repeat_in_a_shared_commit_fails_at_the_primary_key_alone_and_the_others_are_recorded_once()
    {
        var commits = _stateStore.Services.GetRequiredService<GroupCommit>();
        var (held, release) = await HoldTheCommitAsync(commits);

        // The same task twice, as a submission delivered twice would be: the shared commit fails at the database,
        // after its other statements may have run, and each change runs again alone.
        var id = Guid.NewGuid();
        var callers = Enumerable.Range(0, 3).Select(_ => $"group-{Guid.NewGuid():N}"[..20]).ToList();
        var first = commits.RunAsync(Audit(callers[0]), (_, lifecycle) => Task.FromResult(Submit(lifecycle, id)), default);
        var repeat = commits.RunAsync(Audit(callers[1]), (_, lifecycle) => Task.FromResult(Submit(lifecycle, id)), default);
        var other = commits.RunAsync(Audit(callers[2]), (_, lifecycle) => Task.FromResult(Submit(lifecycle)), default);
        release();
        _tasks.Add((await held).Id);

        var tasks = new[] { await first, await other };
        _tasks.AddRange(tasks.Select(task => task.Id));
        var refused = await Assert.ThrowsAsync<DbUpdateException>(() => repeat);
        Assert.Equal(PostgresErrorCodes.UniqueViolation, Assert.IsType<PostgresException>(refused.InnerException).SqlState);
        var entries = await Task.WhenAll(callers.Select(CountAuditAsync));
        Assert.Equal(new[] { 1, 0, 1 }, entries);
        Assert.Equal(callers[0], (await cluster.EventsAsync(id))[0].Caller);
    }

    /// <summary>Starts a commit that stays in flight until released, and returns once it has begun.</summary>
    private static async Task<(Task<TaskRecord> Held, Action Release)> HoldTheCommitAsync(GroupCommit commits)
    {
        var begun = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var held = commits.RunAsync(audit: null, async (_, lifecycle) =>
        {
            begun.SetResult();
            await gate.Task;
            return Submit(lifecycle);
        }, default);
        await begun.Task.WaitAsync(TimeSpan.FromSeconds(30));
        return (held, gate.SetResult);
    }

    /// <summary>A task pinned to a node that does not exist, so it stays Pending and runs nothing.</summary>
    private static TaskRecord Submit(TaskLifecycle lifecycle, Guid? id = null)
    {
        var task = TaskRecord.Submit(id ?? Guid.NewGuid(), new TaskSpec
        {
            Name = "group-commit",
            Image = TestImages.Workload,
            Command = ["sleep", "60"],
            NodeId = Guid.NewGuid(),
        }, lifecycle.Now, traceParent: null);
        lifecycle.Submit(task);
        return task;
    }

    private static AuditEntryRecord Audit(string caller) =>
        new() { At = DateTimeOffset.UtcNow, Caller = caller, Kind = "SubmitTask" };

    /// <summary>The transaction that wrote the caller's one audit entry.</summary>
    private async Task<long> WrittenByAsync(string caller)
    {
        await using var scope = _stateStore.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<OrchestratorDbContext>();
        // The names are the model's, not input.
        var sql = $"SELECT xmin::text::bigint AS \"Value\" FROM {db.Model.Table<AuditEntryRecord>()} " +
            $"WHERE {db.Model.Column<AuditEntryRecord>(nameof(AuditEntryRecord.Caller))} = {{0}}";
        return await db.Database.SqlQueryRaw<long>(sql, caller).SingleAsync();
    }

    private async Task<int> CountAuditAsync(string caller)
    {
        await using var scope = _stateStore.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<OrchestratorDbContext>();
        return await db.AuditEntries.CountAsync(entry => entry.Caller == caller);
    }
}
