using Orchestrator.StateStore.Outbox;

namespace Orchestrator.StateStore.Persistence;

/// <summary>
/// The one way StateStore writes: the work, its task events and its outbox rows commit in one transaction,
/// and the dispatcher is woken after the commit.
/// </summary>
public sealed class StateTransaction(OrchestratorDbContext db, OutboxSignal signal)
{
    public async Task<T> RunAsync<T>(Func<OrchestratorDbContext, Task<T>> work, CancellationToken cancellationToken)
    {
        try
        {
            await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
            var result = await work(db);
            await db.SaveChangesAsync(cancellationToken);
            await transaction.CommitAsync(cancellationToken);
            signal.Notify();
            return result;
        }
        catch
        {
            // A retry of the message starts from what the database holds, not from half-applied changes.
            db.ChangeTracker.Clear();
            throw;
        }
    }

    public Task RunAsync(Func<OrchestratorDbContext, Task> work, CancellationToken cancellationToken) =>
        RunAsync(async context => { await work(context); return true; }, cancellationToken);
}
