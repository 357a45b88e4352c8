using MassTransit;
using MassTransit.DependencyInjection;
using Microsoft.EntityFrameworkCore;
using Orchestrator.StateStore.Audit;
using Orchestrator.StateStore.Outbox;
using Orchestrator.StateStore.Persistence.Entities;

namespace Orchestrator.StateStore.Persistence;

/// <summary>
/// The one way StateStore writes: the work, its task events and its outbox rows commit in one transaction,
/// and the dispatcher is woken after the commit if the work added outbox rows. Work done for a message the Api sent
/// on a caller's behalf also writes who asked (<see cref="AuditTrail"/>): the audit entry, and the caller on each task
/// event it adds.
/// </summary>
public sealed class StateTransaction(
    OrchestratorDbContext db, OutboxWriter outbox, OutboxSignal signal, IScopedConsumeContextProvider consumed, TimeProvider clock)
{
    private readonly List<Action> _afterCommit = [];
    private bool _audited;

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
            var audit = _audited || !consumed.HasContext ? null : AuditTrail.EntryFor(consumed.GetContext(), clock.GetUtcNow());
            if (audit is not null)
                Attribute(audit);
            await db.SaveChangesAsync(cancellationToken);
            // Once the work is written, a shutdown does not undo it at the last step (nor gets the cancelled commit
            // logged by EF Core as an error).
            await transaction.CommitAsync(CancellationToken.None);
            // One entry for a message, though its consumer may commit more than one transaction.
            _audited |= audit is not null;
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

    private void Attribute(AuditEntryRecord audit)
    {
        db.AuditEntries.Add(audit);
        foreach (var added in db.ChangeTracker.Entries<TaskEventRecord>().Where(e => e.State == EntityState.Added))
            added.Property(e => e.Caller).CurrentValue = audit.Caller;
    }

    public Task RunAsync(Func<OrchestratorDbContext, Task> work, CancellationToken cancellationToken) =>
        RunAsync(async context => { await work(context); return true; }, cancellationToken);
}
