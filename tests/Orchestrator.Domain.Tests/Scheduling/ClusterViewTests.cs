using Microsoft.Extensions.Time.Testing;
using Orchestrator.Domain.Scheduling;
using static Orchestrator.Domain.Tests.Scheduling.NodeFactory;

namespace Orchestrator.Domain.Tests.Scheduling;

public sealed class ClusterViewTests
{
    private static readonly TimeSpan MaxAge = TimeSpan.FromSeconds(5);
    private readonly FakeTimeProvider _clock = new();
    private readonly ClusterView _view;

    public ClusterViewTests() => _view = new ClusterView(_clock, MaxAge);

    /// <summary>A snapshot fetched because the view was stale, as a placement pass loads it.</summary>
    private void LoadSnapshot(params NodeSnapshot[] nodes)
    {
        _view.TryGet(out _, out var generation);
        _view.Load(nodes, generation);
    }

    [Fact]
    public void A_view_never_loaded_is_stale()
    {
        Assert.False(_view.TryGet(out var nodes, out _));
        Assert.Empty(nodes);
    }

    [Fact]
    public void A_loaded_view_is_trusted_until_it_is_older_than_its_maximum_age()
    {
        LoadSnapshot(Node(1), Node(2));

        _clock.Advance(MaxAge);
        Assert.True(_view.TryGet(out var nodes, out _));
        Assert.Equal(["node-1", "node-2"], nodes.Select(n => n.Name));

        _clock.Advance(TimeSpan.FromMilliseconds(1));
        Assert.False(_view.TryGet(out _, out _));
    }

    [Fact]
    public void An_invalidated_view_is_stale_until_the_next_load()
    {
        LoadSnapshot(Node(1));

        _view.Invalidate();
        Assert.False(_view.TryGet(out _, out _));

        LoadSnapshot(Node(1), Node(2));
        Assert.True(_view.TryGet(out var nodes, out _));
        Assert.Equal(2, nodes.Count);
    }

    [Fact]
    public void A_snapshot_asked_for_before_an_invalidation_does_not_make_the_view_fresh()
    {
        // The snapshot may have been read before the change the invalidation announces.
        _view.TryGet(out _, out var generation);
        _view.Invalidate();
        _view.Load([Node(1)], generation);

        Assert.False(_view.TryGet(out _, out _));
    }

    [Fact]
    public void Accepted_placements_move_the_view_on_without_making_it_younger()
    {
        LoadSnapshot(Node(1, allocatedCpu: 0m));
        _clock.Advance(TimeSpan.FromSeconds(3));

        _view.Advance([Node(1, allocatedCpu: 2m)]);
        Assert.True(_view.TryGet(out var nodes, out _));
        Assert.Equal(2m, nodes.Single().Allocated.Cpu);

        _clock.Advance(TimeSpan.FromSeconds(3));
        Assert.False(_view.TryGet(out _, out _));
    }

    [Fact]
    public void Advancing_an_invalidated_view_leaves_it_stale()
    {
        LoadSnapshot(Node(1));
        _view.Invalidate();

        _view.Advance([Node(1, allocatedCpu: 1m)]);
        Assert.False(_view.TryGet(out _, out _));
    }
}
