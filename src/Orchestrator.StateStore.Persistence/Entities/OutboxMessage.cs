namespace Orchestrator.StateStore.Persistence.Entities;

/// <summary>
/// A message committed with the state change that caused it, published by the dispatcher after commit.
/// <see cref="Destination"/> names a queue for a command; null means publish an event.
/// </summary>
public sealed class OutboxMessage
{
    public long Id { get; init; }
    public Guid MessageId { get; init; }
    public required string MessageType { get; init; }
    public required string Body { get; init; }
    public string? Destination { get; init; }

    /// <summary>The W3C trace context of the transaction that wrote it, so dispatching later keeps the trace.</summary>
    public string? TraceParent { get; init; }
    public string? TraceState { get; init; }
    public DateTimeOffset CreatedAt { get; init; }
}
