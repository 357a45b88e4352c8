namespace Orchestrator.Domain.Scheduling;

/// <summary>
/// A scheduler's picture of the nodes between snapshots. It is loaded from a snapshot StateStore sends, moved on by
/// the scheduler's own accepted placements, and trusted until an event says capacity changed (a node came, went or
/// drained, a task ended), a placement was refused (another writer got there first), or it is older than its
/// maximum age. A stale view only costs a refusal or a later placement: StateStore checks every proposal.
/// </summary>
/// <remarks>
/// One pass uses the view at a time; events may invalidate it from other threads at any moment. Each load records
/// the generation it was asked for under, so an invalidation that arrives while a snapshot is on its way leaves
/// the loaded view stale: the snapshot may predate the change.
/// </remarks>
public sealed class ClusterView(TimeProvider clock, TimeSpan maxAge)
{
    private long _generation;
    private Loaded? _loaded;

    /// <summary>
    /// The nodes, when the view can be trusted. The generation comes out either way: pass it to
    /// <see cref="Load"/> with the snapshot fetched because the view was stale.
    /// </summary>
    public bool TryGet(out IReadOnlyList<NodeSnapshot> nodes, out long generation)
    {
        generation = Interlocked.Read(ref _generation);
        var loaded = Volatile.Read(ref _loaded);
        if (loaded is null || loaded.Generation != generation || clock.GetUtcNow() - loaded.At > maxAge)
        {
            nodes = [];
            return false;
        }
        nodes = loaded.Nodes;
        return true;
    }

    /// <summary>A fresh snapshot, fetched under <paramref name="generation"/> (from <see cref="TryGet"/>).</summary>
    public void Load(IReadOnlyList<NodeSnapshot> nodes, long generation) =>
        Volatile.Write(ref _loaded, new Loaded(nodes, generation, clock.GetUtcNow()));

    /// <summary>
    /// The nodes after placements StateStore accepted, each taking its room. The view keeps the age and the
    /// generation of the snapshot it grew from, so the advance never makes a stale view look fresh.
    /// </summary>
    public void Advance(IReadOnlyList<NodeSnapshot> nodes)
    {
        var loaded = Volatile.Read(ref _loaded);
        if (loaded is not null)
            Volatile.Write(ref _loaded, loaded with { Nodes = nodes });
    }

    /// <summary>Capacity changed in a way the view cannot follow: the next pass asks for a snapshot.</summary>
    public void Invalidate() => Interlocked.Increment(ref _generation);

    private sealed record Loaded(IReadOnlyList<NodeSnapshot> Nodes, long Generation, DateTimeOffset At);
}
