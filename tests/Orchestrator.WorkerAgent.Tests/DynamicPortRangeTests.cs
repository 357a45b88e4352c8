using Orchestrator.WorkerAgent.Runtime;

namespace Orchestrator.WorkerAgent.Tests;

public sealed class DynamicPortRangeTests
{
    [Fact]
    public void The_only_free_port_is_found_wherever_the_search_starts()
    {
        for (var seed = 0; seed < 20; seed++)
            Assert.Equal(20003, DynamicPortRange.PickFree(20000, 20009, port => port != 20003, new Random(seed)));
    }

    [Fact]
    public void A_full_range_has_no_port()
    {
        Assert.Null(DynamicPortRange.PickFree(20000, 20009, _ => true, new Random(1)));
    }

    [Fact]
    public void An_empty_range_has_no_port()
    {
        Assert.Null(DynamicPortRange.PickFree(20010, 20000, _ => false, new Random(1)));
    }

    [Fact]
    public void Picks_stay_in_the_range_and_spread_over_it()
    {
        var random = new Random(7);
        var picks = Enumerable.Range(0, 200).Select(_ => DynamicPortRange.PickFree(20000, 20099, _ => false, random)!.Value).ToList();

        Assert.All(picks, port => Assert.InRange(port, 20000, 20099));
        // Agents sharing an engine start their searches apart rather than all at the range's first port.
        Assert.True(picks.Distinct().Count() > 50);
    }
}
