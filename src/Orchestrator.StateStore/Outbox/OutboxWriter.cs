using System.Diagnostics;
using System.Text.Json;
using MassTransit;
using Orchestrator.Contracts;
using Orchestrator.StateStore.Persistence;
using Orchestrator.StateStore.Persistence.Entities;

namespace Orchestrator.StateStore.Outbox;

/// <summary>
/// Adds messages to the outbox table in the caller's unit of work, so they commit or roll back with the state
/// change that caused them.
/// </summary>
public sealed class OutboxWriter(OrchestratorDbContext db, TimeProvider clock)
{
    /// <summary>
    /// Whether messages were added since <see cref="StateTransaction"/> last began its work: only then is the dispatcher
    /// woken after the commit, so the many transactions that send nothing (most heartbeat batches, a job that has
    /// what it wants) cost it no poll.
    /// </summary>
    internal bool HasNew { get; private set; }

    /// <summary>The wake-ups (<see cref="IWakeUp"/>) written since <see cref="StateTransaction"/> last began its work.</summary>
    private readonly HashSet<Type> _wakeUps = [];

    internal void ForgetNew()
    {
        HasNew = false;
        _wakeUps.Clear();
    }

    /// <summary>
    /// An event, published to every subscriber. A wake-up (<see cref="IWakeUp"/>) is written once in a transaction:
    /// a commit of sixty submissions announces them with one message, not sixty.
    /// </summary>
    public void Publish<T>(T message) where T : class
    {
        if (message is IWakeUp && !_wakeUps.Add(typeof(T)))
            return;
        Add(message, destination: null);
    }

    /// <summary>A command, sent to exactly one queue, e.g. <c>agent-{nodeId}</c>.</summary>
    public void Send<T>(string queue, T message) where T : class => Add(message, queue);

    private void Add<T>(T message, string? destination) where T : class
    {
        HasNew = true;
        var activity = Activity.Current;
        db.Outbox.Add(new OutboxMessage
        {
            MessageId = NewId.NextGuid(),
            MessageType = typeof(T).FullName!,
            Body = JsonSerializer.Serialize(message, ContractJson.Options),
            Destination = destination,
            TraceParent = activity?.Id,
            TraceState = activity?.TraceStateString,
            CreatedAt = clock.GetUtcNow(),
        });
    }
}
