namespace Orchestrator.StateStore.Consumers;

/// <summary>How StateStore's endpoints take their messages (section <c>StateStore:Consumers</c>).</summary>
public sealed class ConsumerOptions
{
    public const string Section = "StateStore:Consumers";

    /// <summary>
    /// How many of the Api's requests of one kind StateStore answers at once, and prefetches. A caller of the Api
    /// waits on each, and each waits mostly on Postgres (a commit, a read), not on a core: MassTransit's default
    /// (16 at once) held POST about 10 % lower.
    /// </summary>
    [Positive]
    public int ApiRequestConcurrency { get; set; } = 32;

    /// <summary>
    /// How many submissions StateStore takes at once, and prefetches. A submission waits for a shared commit
    /// (<see cref="Persistence.GroupCommit"/>), not on a database connection of its own, and every one waiting joins
    /// the next commit: at 32, as the Api's other requests, submissions waited in the broker's queue while the commits
    /// had room for more, and a 1,000-node cluster took 240 a second where at 128 it takes the 300 offered.
    /// </summary>
    [Positive]
    public int SubmitTaskConcurrency { get; set; } = 128;

    /// <summary>
    /// The most submissions and task reports committed in one transaction (<see cref="Persistence.GroupCommit"/>).
    /// Only those that arrive while a commit is in flight wait for the next, so a quiet StateStore commits each at once.
    /// </summary>
    [Positive]
    public int GroupCommitLimit { get; set; } = 64;

    /// <summary>
    /// How many of those shared commits may be in flight at once: with one, every change would wait behind the commit
    /// before it on a round trip to Postgres; with many, they would share less.
    /// </summary>
    [Positive]
    public int GroupCommitConcurrency { get; set; } = 2;

    /// <summary>The most heartbeats applied in one transaction.</summary>
    [Positive]
    public int HeartbeatBatchLimit { get; set; } = 100;

    /// <summary>How long a heartbeat waits for others to share its transaction: nothing next to a node's TTL.</summary>
    [Positive]
    public TimeSpan HeartbeatBatchWindow { get; set; } = TimeSpan.FromMilliseconds(100);
}
