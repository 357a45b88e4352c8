using System.Collections.Concurrent;
using MassTransit;
using MassTransit.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Orchestrator.Contracts;
using Orchestrator.Domain.Capacity;
using Orchestrator.Domain.Nodes;
using Orchestrator.Domain.Scheduling;
using Orchestrator.Domain.Tasks;
using Orchestrator.Scheduler.Placement;

namespace Orchestrator.Scheduler.Tests;

/// <summary>
/// The pass's own logic: how it walks the Pending queue while a batch's placements are in flight. StateStore is a
/// scripted stand-in on MassTransit's in-memory bus that accepts whatever it is told to, so an over-committed node or a
/// placement proposed twice shows in what it was sent. Whether StateStore really refuses what no longer fits is the
/// integration suite's (MultiNodeTests).
/// </summary>
public sealed class PlacementPassTests
{
    private static readonly TimeSpan HoldAtMost = TimeSpan.FromSeconds(10);

    [Fact]
    public async Task The_next_batch_is_decided_while_the_last_is_in_flight_against_the_room_the_last_one_takes()
    {
        // Two nodes of one core, six half-core tasks, two a batch: the first four fill the nodes, the last two fit nowhere.
        var store = new ScriptedStateStore(Nodes(2, cpu: 1m), Tasks(6, cpu: 0.5m)) { HoldFirstAnswerUntilNextFetch = true };
        await using var bus = await StartAsync(store);

        await Pass(bus, batchSize: 2).RunAsync(CancellationToken.None);

        Assert.True(store.NextFetchedWhileFirstInFlight, "the second batch was fetched only after the first was answered");
        Assert.Equal(4, store.Accepted.Count);
        Assert.Equal(store.TaskIds.Take(4).ToHashSet(), store.Accepted.Select(p => p.TaskId).ToHashSet());
        Assert.All(store.Accepted.GroupBy(p => p.NodeId), node => Assert.Equal(2, node.Count()));
        var marked = bus.Harness.Published.Select<MarkTaskUnschedulable>().Select(m => m.Context.Message.TaskId).ToHashSet();
        Assert.Equal(store.TaskIds.Skip(4).ToHashSet(), marked);
    }

    [Fact]
    public async Task A_refusal_while_the_next_batch_is_decided_drops_that_batch_and_fetches_again_with_a_fresh_snapshot()
    {
        var store = new ScriptedStateStore(Nodes(2, cpu: 8m), Tasks(4, cpu: 0.5m)) { HoldFirstAnswerUntilNextFetch = true };
        store.RefuseOnce.Add(store.TaskIds[0]);
        await using var bus = await StartAsync(store);

        await Pass(bus, batchSize: 2).RunAsync(CancellationToken.None);

        Assert.True(store.NextFetchedWhileFirstInFlight);
        // Every task placed once, the refused one at its second proposal.
        Assert.Equal(store.TaskIds.Order(), store.Accepted.Select(p => p.TaskId).Order());
        // After the refusal, nothing decided against the stale view was proposed: the pass fetched the queue again
        // from the refused batch, with the nodes.
        var log = store.Log.ToList();
        var refusal = log.FindIndex(entry => entry.StartsWith("refused"));
        Assert.True(refusal >= 0, string.Join(" | ", log));
        Assert.Equal("work after start with nodes", log[refusal + 1]);
    }

    [Fact]
    public async Task A_Scheduler_that_leaves_during_a_pass_stops_it_at_the_next_batch()
    {
        var release = new TaskCompletionSource();
        var store = new ScriptedStateStore(Nodes(2, cpu: 64m), Tasks(8, cpu: 0.5m)) { FirstAnswerWaitsFor = release.Task };
        await using var bus = await StartAsync(store);
        var pass = Pass(bus, batchSize: 2);

        var running = pass.RunAsync(CancellationToken.None);
        await store.FirstProposed.WaitAsync(HoldAtMost);
        var leaving = pass.LeaveAsync(CancellationToken.None);
        release.SetResult();
        await Task.WhenAll(running, leaving).WaitAsync(HoldAtMost);

        // The batch in flight is recorded, and so is the one decided beside it if the pass had fetched it before the
        // leave (it usually has); the tasks behind them are left to the other Schedulers.
        var accepted = store.Accepted.Select(p => p.TaskId).ToHashSet();
        Assert.Contains(accepted.Count, new[] { 2, 4 });
        Assert.Equal(store.TaskIds.Take(accepted.Count).ToHashSet(), accepted);
        Assert.Equal("work after start, leaving", store.Log.Last());
    }

    private static PlacementPass Pass(HarnessBus bus, int batchSize) => new(
        bus.Harness.Bus,
        PlacementAlgorithms.Create("Spread"),
        new ClusterView(TimeProvider.System, TimeSpan.FromMinutes(5)),
        Options.Create(new SchedulerOptions { BatchSize = batchSize }),
        NullLogger<PlacementPass>.Instance);

    private static List<NodeSnapshot> Nodes(int count, decimal cpu) => Enumerable.Range(1, count)
        .Select(i => new NodeSnapshot(Guid.NewGuid(), $"node-{i}", NodeStatus.Ready, new Resources(cpu, 4096, 4096), Resources.Zero, new HashSet<HostPort>(), 0))
        .ToList();

    private static List<PendingTask> Tasks(int count, decimal cpu) => Enumerable.Range(1, count)
        .Select(i => new PendingTask(Guid.NewGuid(), 1,
            new TaskSpec { Name = $"task-{i}", Image = "busybox", Resources = new ResourceRequest { Cpu = cpu, MemoryMb = 16, DiskMb = 1 } }, null))
        .ToList();

    private static async Task<HarnessBus> StartAsync(ScriptedStateStore store)
    {
        var services = new ServiceCollection()
            .AddSingleton(store)
            .AddMassTransitTestHarness(bus =>
            {
                bus.AddConsumer<ScriptedStateStore.WorkConsumer>();
                bus.AddConsumer<ScriptedStateStore.PlaceConsumer>();
            })
            .BuildServiceProvider(true);
        var harness = services.GetRequiredService<ITestHarness>();
        await harness.Start();
        return new HarnessBus(services, harness);
    }

    private sealed record HarnessBus(ServiceProvider Services, ITestHarness Harness) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync()
        {
            await Harness.Stop();
            await Services.DisposeAsync();
        }
    }

    /// <summary>
    /// The Pending queue in submission order and the nodes, answering as StateStore does: a batch after a cursor, the
    /// nodes when asked, and every proposal accepted (the accepted leave the queue) but those it is told to refuse once.
    /// </summary>
    private sealed class ScriptedStateStore(List<NodeSnapshot> nodes, List<PendingTask> tasks)
    {
        private readonly List<PendingTask> _pending = [.. tasks];
        private readonly TaskCompletionSource _nextFetched = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private readonly TaskCompletionSource _firstProposed = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private int _answers;

        public List<Guid> TaskIds { get; } = tasks.Select(t => t.TaskId).ToList();
        public HashSet<Guid> RefuseOnce { get; } = [];
        public ConcurrentQueue<PlaceTask> Accepted { get; } = new();
        public ConcurrentQueue<string> Log { get; } = new();

        /// <summary>Answer the first proposals only once the next batch has been asked for (or after 10 s).</summary>
        public bool HoldFirstAnswerUntilNextFetch { get; init; }

        /// <summary>Answer the first proposals only once this completes (or after 10 s).</summary>
        public Task? FirstAnswerWaitsFor { get; init; }

        public Task FirstProposed => _firstProposed.Task;

        public bool NextFetchedWhileFirstInFlight { get; private set; }

        private PendingCursor Cursor(PendingTask task) =>
            new(DateTimeOffset.UnixEpoch.AddSeconds(TaskIds.IndexOf(task.TaskId)), task.TaskId);

        private PlacementWork Work(GetPlacementWork request)
        {
            var after = request.After is null ? -1 : TaskIds.IndexOf(request.After.TaskId);
            Log.Enqueue($"work after {(after < 0 ? "start" : $"task {after + 1}")}{(request.IncludeNodes ? " with nodes" : "")}"
                + (request.Member?.Ttl == TimeSpan.Zero ? ", leaving" : ""));
            if (after >= 0 && Volatile.Read(ref _answers) == 0)
            {
                NextFetchedWhileFirstInFlight = true;
                _nextFetched.TrySetResult();
            }
            List<PendingTask> behind;
            lock (_pending)
                behind = _pending.Where(t => TaskIds.IndexOf(t.TaskId) > after).ToList();
            var batch = behind.Take(request.Limit).ToList();
            return new PlacementWork(batch, request.IncludeNodes && batch.Count > 0 ? nodes : [],
                behind.Count > batch.Count ? Cursor(batch[^1]) : null);
        }

        private async Task<PlacementResults> PlaceAsync(PlaceTasks request)
        {
            Log.Enqueue($"place {string.Join(",", request.Placements.Select(p => TaskIds.IndexOf(p.TaskId) + 1))}");
            _firstProposed.TrySetResult();
            if (HoldFirstAnswerUntilNextFetch && Volatile.Read(ref _answers) == 0)
                await Task.WhenAny(_nextFetched.Task, Task.Delay(HoldAtMost));
            if (FirstAnswerWaitsFor is { } release && Volatile.Read(ref _answers) == 0)
                await Task.WhenAny(release, Task.Delay(HoldAtMost));
            var results = new List<PlacementResult>();
            foreach (var placement in request.Placements)
            {
                if (RefuseOnce.Remove(placement.TaskId))
                {
                    Log.Enqueue($"refused task {TaskIds.IndexOf(placement.TaskId) + 1}");
                    results.Add(new PlacementResult(placement.TaskId, placement.NodeId, "node is full"));
                    continue;
                }
                Accepted.Enqueue(placement);
                lock (_pending)
                    _pending.RemoveAll(t => t.TaskId == placement.TaskId);
                results.Add(new PlacementResult(placement.TaskId, placement.NodeId, null));
            }
            Interlocked.Increment(ref _answers);
            return new PlacementResults(results);
        }

        public sealed class WorkConsumer(ScriptedStateStore store) : IConsumer<GetPlacementWork>
        {
            public Task Consume(ConsumeContext<GetPlacementWork> context) => context.RespondAsync(store.Work(context.Message));
        }

        public sealed class PlaceConsumer(ScriptedStateStore store) : IConsumer<PlaceTasks>
        {
            public async Task Consume(ConsumeContext<PlaceTasks> context) => await context.RespondAsync(await store.PlaceAsync(context.Message));
        }
    }
}
