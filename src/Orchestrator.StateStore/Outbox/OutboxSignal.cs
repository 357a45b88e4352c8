namespace Orchestrator.StateStore.Outbox;

/// <summary>Wakes the dispatcher right after a commit, so messages do not wait for the next poll.</summary>
public sealed class OutboxSignal
{
    private readonly SemaphoreSlim _pending = new(0, 1);

    public void Notify()
    {
        // At most one wake-up is ever pending; more would be redundant. The count is checked first because this
        // runs after every commit, and the exception, thrown under load a hundred times a second, is not free.
        if (_pending.CurrentCount > 0)
            return;
        try { _pending.Release(); }
        catch (SemaphoreFullException) { }
    }

    public Task<bool> WaitAsync(TimeSpan timeout, CancellationToken cancellationToken) =>
        _pending.WaitAsync(timeout, cancellationToken);
}
