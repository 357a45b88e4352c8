using MassTransit;
using MassTransit.DependencyInjection;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.ChangeTracking;
using Orchestrator.StateStore.Audit;
using Orchestrator.StateStore.Idempotency;
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
    OrchestratorDbContext db, OutboxWriter outbox, OutboxSignal signal, IScopedConsumeContextProvider consumed,
    IdempotencyLedger ledger, TimeProvider clock)
{
    private readonly List<Action> _afterCommit = [];
    private bool _audited;
    private bool _auditingEach;

    /// <summary>
    /// Runs <paramref name="action"/> once the current work has committed, and never if it rolls back: e.g. the log
    /// line that says a task is Running, which must not claim what a failed (and retried) transaction did.
    /// </summary>
    public void AfterCommit(Action action) => _afterCommit.Add(action);

    public async Task<T> RunAsync<T>(Func<OrchestratorDbContext, Task<T>> work, CancellationToken cancellationToken)
    {
        _afterCommit.Clear();
        outbox.ForgetNew();
        // One entry for a message, though its consumer may commit more than one transaction.
        var audit = _audited || _auditingEach || !consumed.HasContext ? null : AuditTrail.EntryFor(consumed.GetContext(), clock.GetUtcNow());
        // The caller goes on every task event the work adds, at whichever save inside the work writes it.
        EventHandler<SavingChangesEventArgs>? attribute = audit is null ? null : (_, _) => Attribute(audit.Caller);
        db.SavingChanges += attribute;
        try
        {
            await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
            var result = await work(db);
            // A replayed answer changed nothing, and records nothing.
            if (audit is not null && !_audited)
                db.AuditEntries.Add(audit);
            await db.SaveChangesAsync(cancellationToken);
            // Once the work is written, a shutdown does not undo it at the last step (nor gets the cancelled commit
            // logged by EF Core as an error).
            await transaction.CommitAsync(CancellationToken.None);
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
            db.SavingChanges -= attribute;
            _afterCommit.Clear();
        }
    }

    private void Attribute(string caller)
    {
        foreach (var added in db.ChangeTracker.Entries<TaskEventRecord>().Where(e => e.State == EntityState.Added))
            added.Property(e => e.Caller).CurrentValue = caller;
    }

    /// <summary>
    /// Runs several changes in one transaction (<see cref="GroupCommit"/>), change i being <paramref name="work"/>(db, i),
    /// one after another; returns each one's result. Each gets what a transaction of its own would give it: its audit
    /// entry (<paramref name="audits"/>[i], if its caller has one), and its caller on the task events it adds.
    /// </summary>
    public async Task<IReadOnlyList<object?>> RunEachAsync(
        IReadOnlyList<AuditEntryRecord?> audits, Func<OrchestratorDbContext, int, Task<object?>> work, CancellationToken cancellationToken)
    {
        // The entries are the changes', not one for whatever message this scope was made for.
        _auditingEach = true;
        try
        {
            return await RunAsync<IReadOnlyList<object?>>(db => RunEachAsync(db, audits, work), cancellationToken);
        }
        finally
        {
            _auditingEach = false;
        }
    }

    private async Task<IReadOnlyList<object?>> RunEachAsync(
        OrchestratorDbContext db, IReadOnlyList<AuditEntryRecord?> audits, Func<OrchestratorDbContext, int, Task<object?>> work)
    {
        var results = new object?[audits.Count];
        AuditEntryRecord? current = null;
        // Each event gets its change's caller as it is added: asking the change tracker for its entries after each
        // change would detect changes over everything tracked, once per change, and a commit of 64 spent a tenth of
        // StateStore's CPU doing so.
        EventHandler<EntityTrackedEventArgs> attribute = (_, tracked) =>
        {
            if (current is not null && tracked.Entry is { Entity: TaskEventRecord, State: EntityState.Added })
                tracked.Entry.Property(nameof(TaskEventRecord.Caller)).CurrentValue = current.Caller;
        };
        db.ChangeTracker.Tracked += attribute;
        try
        {
            for (var i = 0; i < audits.Count; i++)
            {
                current = audits[i];
                results[i] = await work(db, i);
                if (current is not null)
                    db.AuditEntries.Add(current);
            }
        }
        finally
        {
            db.ChangeTracker.Tracked -= attribute;
        }
        return results;
    }

    public Task RunAsync(Func<OrchestratorDbContext, Task> work, CancellationToken cancellationToken) =>
        RunAsync(async context => { await work(context); return true; }, cancellationToken);

    /// <summary>
    /// Runs the work that answers a change the Api asked for, and answers with what it returns. A change asked for
    /// with an <c>Idempotency-Key</c> (<see cref="IdempotencyLedger"/>) is answered, when that key is on record, with
    /// the answer the first one got, and nothing runs or is written (not even an audit entry); the same key with a
    /// different request throws <see cref="IdempotencyKeyReusedException"/>, which reaches the requester as a fault
    /// (and is kept out of the error queue, <see cref="Consumers.RefusedRequestErrorFilter"/>), and nothing changes.
    /// </summary>
    public async Task AnswerAsync<T>(ConsumeContext<T> context, Func<OrchestratorDbContext, Task<object>> work) where T : class
    {
        var request = RequestKey.Of(context);
        object answer;
        try
        {
            answer = await AnswerOnceAsync(request, work, context.CancellationToken);
        }
        catch (DbUpdateException error) when (request is not null && IdempotencyLedger.IsRace(error))
        {
            // The same request ran at the same moment and committed first; its answer is on record now.
            answer = await AnswerOnceAsync(request, work, context.CancellationToken);
        }
        await context.RespondAsync(answer);
    }

    private Task<object> AnswerOnceAsync(RequestKey? request, Func<OrchestratorDbContext, Task<object>> work, CancellationToken cancellationToken) =>
        RunAsync(db => request is null
            ? work(db)
            : ledger.AnswerOnceAsync(db, request, work, replaying: () => _audited = true, cancellationToken), cancellationToken);
}
