using System.Diagnostics;
using System.Threading.Channels;
using MassTransit;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Orchestrator.StateStore.Audit;
using Orchestrator.StateStore.Consumers;
using Orchestrator.StateStore.Persistence.Entities;
using Orchestrator.StateStore.Tasks;
using Orchestrator.StateStore.Telemetry;

namespace Orchestrator.StateStore.Persistence;

/// <summary>
/// Commits the small changes of many messages in one transaction (a group commit). A consumer hands its change in and
/// waits for its own result; the changes handed in while a commit is in flight go into the next one, so a quiet
/// StateStore commits each at once and a busy one pays one transaction for dozens. Submissions and task reports are
/// one small change each, and a transaction apiece (its round trips, its commit, EF Core's save) was most of their cost.
/// <para>
/// A change keeps what a transaction of its own would give it: its caller's audit entry and name on the events it adds
/// (<see cref="StateTransaction.RunEachAsync"/>), its trace, and its own result or exception. When a shared commit
/// fails, each of its changes runs again in a transaction of its own, so that one bad change fails only its message
/// (whose consumer then retries or answers as it would have). A change is code that reads and changes tracked
/// entities and saves nothing itself; its message waits for the commit, so a queue that takes one message at a time
/// still applies them in order.
/// </para>
/// </summary>
public sealed class GroupCommit(
    IServiceScopeFactory scopes, IOptions<ConsumerOptions> options, TimeProvider clock, ILogger<GroupCommit> logger)
    : IAsyncDisposable, IDisposable
{
    /// <summary>A change to commit: what it does, given the shared transaction's context and lifecycle.</summary>
    public delegate Task<T> Change<T>(OrchestratorDbContext db, TaskLifecycle lifecycle);

    private readonly Channel<Item> _queue = Channel.CreateUnbounded<Item>(new UnboundedChannelOptions { SingleWriter = false });
    private readonly ConsumerOptions _options = options.Value;
    private readonly Lock _starting = new();
    private Task? _loops;

    /// <summary>
    /// Runs <paramref name="change"/> for <paramref name="message"/> in the next shared commit, and returns its result
    /// once that has committed. Throws what the change (or its commit) threw when it ran on its own. A change about an
    /// existing task names it (<paramref name="task"/>): the commit reads the tasks of all its changes in one query,
    /// and the change's <c>FindAsync</c> finds it tracked, not one round trip after another.
    /// </summary>
    public Task<T> RunAsync<T>(ConsumeContext message, Change<T> change, Guid? task = null) =>
        RunAsync(AuditTrail.EntryFor(message, clock.GetUtcNow()), change, message.CancellationToken, task);

    /// <summary>
    /// Runs <paramref name="change"/> in the next shared commit, with <paramref name="audit"/> (the entry of the change's
    /// caller, if it has one), and returns its result once that has committed. A change cancelled before its commit
    /// begins is not run.
    /// </summary>
    public async Task<T> RunAsync<T>(AuditEntryRecord? audit, Change<T> change, CancellationToken cancellationToken, Guid? task = null)
    {
        EnsureStarted();
        var item = new Item(audit, Activity.Current, async (db, lifecycle) => (object?)await change(db, lifecycle), task, cancellationToken);
        if (!_queue.Writer.TryWrite(item))
            throw new OperationCanceledException("StateStore is stopping; the message goes back to its queue.");
        return (T)(await item.Result.Task.WaitAsync(cancellationToken))!;
    }

    /// <summary>
    /// The commit loops start with the first change and end when the host's services are disposed: after the bus has
    /// stopped, so that every consumer still waiting on a commit gets it.
    /// </summary>
    private void EnsureStarted()
    {
        if (Volatile.Read(ref _loops) is not null)
            return;
        lock (_starting)
        {
            if (_loops is not null)
                return;
            // The loops must not carry the first caller's trace (nor anything else of its context) for their lifetime.
            using (ExecutionContext.SuppressFlow())
                _loops = Task.WhenAll(Enumerable.Range(0, _options.GroupCommitConcurrency).Select(_ => Task.Run(CommitLoopAsync)));
        }
    }

    public async ValueTask DisposeAsync()
    {
        _queue.Writer.TryComplete();
        if (_loops is { } loops)
            await loops;
    }

    public void Dispose() => _queue.Writer.TryComplete();

    private async Task CommitLoopAsync()
    {
        var batch = new List<Item>(_options.GroupCommitLimit);
        while (await _queue.Reader.WaitToReadAsync())
        {
            batch.Clear();
            while (batch.Count < _options.GroupCommitLimit && _queue.Reader.TryRead(out var item))
            {
                if (item.CancellationToken.IsCancellationRequested)
                    item.Result.TrySetCanceled();
                else
                    batch.Add(item);
            }
            if (batch.Count > 0)
                await CommitAsync(batch);
        }
    }

    private async Task CommitAsync(List<Item> batch)
    {
        try
        {
            var results = await RunTogetherAsync(batch);
            for (var i = 0; i < batch.Count; i++)
                batch[i].Result.TrySetResult(results[i]);
        }
        catch (Exception error) when (batch.Count > 1)
        {
            logger.LogDebug(error, "A commit of {Count} changes failed; committing each on its own", batch.Count);
            foreach (var item in batch)
            {
                try
                {
                    item.Result.TrySetResult((await RunTogetherAsync([item]))[0]);
                }
                catch (Exception alone)
                {
                    item.Result.TrySetException(alone);
                }
            }
        }
        catch (Exception error)
        {
            batch[0].Result.TrySetException(error);
        }
    }

    private async Task<IReadOnlyList<object?>> RunTogetherAsync(IReadOnlyList<Item> items)
    {
        // The commit is traced in the first change's trace, and linked from the others'.
        using var span = StateStoreTelemetry.Source.StartActivity(
            "group commit", ActivityKind.Internal, items[0].Activity?.Context ?? default,
            links: items.Skip(1).Where(item => item.Activity is not null).Select(item => new ActivityLink(item.Activity!.Context)));
        span?.SetTag("orchestrator.commit.changes", items.Count);
        await using var scope = scopes.CreateAsyncScope();
        var transaction = scope.ServiceProvider.GetRequiredService<StateTransaction>();
        var lifecycle = scope.ServiceProvider.GetRequiredService<TaskLifecycle>();
        var tasks = items.Where(item => item.Task is not null).Select(item => item.Task!.Value).Distinct().ToList();
        // Not cancelled by a shutdown: the messages are waiting for this commit, and a half-done one is rolled back anyway.
        return await transaction.RunEachAsync(items.Select(item => item.Audit).ToList(), async (db, index) =>
        {
            if (index == 0 && tasks.Count > 0)
                await db.Tasks.Where(task => tasks.Contains(task.Id)).LoadAsync();
            // Each change runs in its own message's trace, so the task it records and the outbox rows it writes
            // continue that trace, not the trace of whichever message the commit happened to start with.
            Activity.Current = items[index].Activity;
            return await items[index].Change(db, lifecycle);
        }, CancellationToken.None);
    }

    private sealed record Item(AuditEntryRecord? Audit, Activity? Activity, Change<object?> Change, Guid? Task, CancellationToken CancellationToken)
    {
        public TaskCompletionSource<object?> Result { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }
}
