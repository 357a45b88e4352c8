using Orchestrator.StateStore.Outbox;

namespace Orchestrator.StateStore.Persistence;

/// <summary>
/// The one way StateStore writes: the work, its task events and its outbox rows commit in one transaction,
/// and the dispatcher is woken after the commit if the work added outbox rows.
/// </summary>
public sealed class StateTransaction(OrchestratorDbContext db, OutboxWriter outbox, OutboxSignal signal)
{
    private readonly List<Action> _afterCommit = [];

    /// <summary>
    /// Runs <paramref name="action"/> once the current work has committed, and never if it rolls back: e.g. the log
    /// line that says a task is Running, which must not claim what a failed (and retried) transaction did.
    /// </summary>
    public void AfterCommit(Action action) => _afterCommit.Add(action);

    public async Task<T> RunAsync<T>(Func<OrchestratorDbContext, Task<T>> work, CancellationToken cancellationToken)
    {
        _afterCommit.Clear();
        outbox.ForgetNew();
        try
        {
            await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
            var result = await work(db);
            await db.SaveChangesAsync(cancellationToken);
            // Once the work is written, a shutdown does not undo it at the last step (nor gets the cancelled commit
            // logged by EF Core as an error).
            await transaction.CommitAsync(CancellationToken.None);
            if (outbox.HasNew)
                signal.Notify();
            foreach (var action in _afterCommit)
                action();
            return result;
        }
        catch
        {
            // A retry of the message starts from what the database holds, not from half-applied changes.
            db.ChangeTracker.Clear();
            throw;
        }
        finally
        {
            _afterCommit.Clear();
        }
    }

    public Task RunAsync(Func<OrchestratorDbContext, Task> work, CancellationToken cancellationToken) =>
        RunAsync(async context => { await work(context); return true; }, cancellationToken);
}
