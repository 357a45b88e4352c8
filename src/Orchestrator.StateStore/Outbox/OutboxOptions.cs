namespace Orchestrator.StateStore.Outbox;

/// <summary>How the outbox's messages are put on the bus (section <c>StateStore:Outbox</c>).</summary>
public sealed class OutboxOptions
{
    public const string Section = "StateStore:Outbox";

    /// <summary>The most rows one dispatch claims, publishes and deletes in one transaction.</summary>
    [Positive]
    public int BatchSize { get; set; } = 250;

    /// <summary>How many destinations (an agent's queue, or the events) a batch publishes to side by side.</summary>
    [Positive]
    public int MaxConcurrentLanes { get; set; } = 64;

    /// <summary>
    /// How long the dispatcher waits for a commit's signal before it looks anyway (another StateStore instance's
    /// commits signal nothing here), and how long it waits after a failed dispatch.
    /// </summary>
    [Positive]
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromMilliseconds(500);

    /// <summary>
    /// The longest one publish (with the broker's confirm) may take before the whole batch is given up, rolled back
    /// and tried again. A batch holds its command shards until it ends, so a publish that never returns would stop
    /// every command in them, on every instance: when a broker node is lost, RabbitMQ's client can leave a send
    /// waiting on a channel it has disposed, deaf to cancellation.
    /// </summary>
    [Positive]
    public TimeSpan PublishTimeout { get; set; } = TimeSpan.FromSeconds(10);
}
