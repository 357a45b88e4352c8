using Orchestrator.Api.Extensions;
using Orchestrator.StateStore.Persistence;
using Orchestrator.StateStore.Persistence.Queries;

namespace Orchestrator.Api.Apis;

/// <summary>
/// What the blocking queries of the catalog wait on. While any waits, one loop in this Api process reads the catalog's
/// index from the store every <see cref="PollInterval"/> and wakes the waiters when it changes; with none waiting it
/// reads nothing. So a change reaches a waiting caller within that interval and a query, however many callers wait.
/// </summary>
public sealed class CatalogWatch(IServiceScopeFactory scopes, ILogger<CatalogWatch> logger) : BackgroundService
{

    public static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(250);

    private readonly Lock _gate = new();
    private readonly SemaphoreSlim _firstWaiter = new(0);
    private TaskCompletionSource _changed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private long? _current; // null while nobody waits: an index not polled lately says nothing
    private int _waiters;

    /// <summary>Returns once the catalog's index is not <paramref name="index"/>, or when <paramref name="wait"/> has passed.</summary>
    public async Task WaitForChangeAsync(long index, TimeSpan wait, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            if (_waiters++ == 0)
                _firstWaiter.Release();
        }
        try
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(wait);
            while (true)
            {
                Task changed;
                lock (_gate)
                {
                    if (_current is { } current && current != index)
                        return;
                    changed = _changed.Task;
                }
                try
                {
                    await changed.WaitAsync(timeout.Token);
                }
                catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
                {
                    return; // waited the whole time: the caller gets the catalog as it is
                }
            }
        }
        finally
        {
            lock (_gate)
                _waiters--;
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            await WatchAsync(stoppingToken);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    private async Task WatchAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            bool idle;
            lock (_gate)
            {
                idle = _waiters == 0;
                if (idle)
                    _current = null;
            }
            if (idle)
            {
                await _firstWaiter.WaitAsync(stoppingToken);
                continue;
            }
            try
            {
                await using var scope = scopes.CreateAsyncScope();
                var store = scope.ServiceProvider.GetRequiredKeyedService<OrchestratorDbContext>(StoreReads.Key);
                Observe(await ServiceCatalogQueries.IndexAsync(store, stoppingToken));
            }
            catch (Exception error) when (!stoppingToken.IsCancellationRequested)
            {
                logger.LogWarning(error, "Could not read the service catalog's index; blocking queries wait out their time");
            }
            await Task.Delay(PollInterval, stoppingToken);
        }
    }

    private void Observe(long index)
    {
        TaskCompletionSource? changed = null;
        lock (_gate)
        {
            if (_current != index)
            {
                _current = index;
                changed = _changed;
                _changed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            }
        }
        changed?.SetResult();
    }
}
