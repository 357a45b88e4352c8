using Orchestrator.Domain.Nodes;

namespace Orchestrator.Domain.Tests.Nodes;

public sealed class SilenceVerdictTests
{
    [Theory]
    [InlineData(1, 1)]
    [InlineData(3, 1)]
    [InlineData(3, 2)]
    [InlineData(2, 2)]
    public void Two_silent_nodes_or_fewer_are_always_Down_however_small_the_cluster(int ready, int silent) =>
        Assert.True(SilenceVerdict.MarkDown(ready, silent));

    [Theory]
    [InlineData(100, 10)]
    [InlineData(100, 55)]
    [InlineData(1000, 550)]
    public void A_minority_of_the_cluster_falling_silent_is_Down(int ready, int silent) =>
        Assert.True(SilenceVerdict.MarkDown(ready, silent));

    [Theory]
    [InlineData(100, 56)]
    [InlineData(1000, 985)]
    [InlineData(3, 3)]
    [InlineData(5, 5)]
    public void Most_of_the_cluster_falling_silent_at_once_is_held_back(int ready, int silent) =>
        Assert.False(SilenceVerdict.MarkDown(ready, silent));

    [Fact]
    public void A_threshold_of_one_believes_every_silence() =>
        Assert.True(SilenceVerdict.MarkDown(1000, 1000, threshold: 1));

    [Fact]
    public void A_lower_threshold_holds_back_sooner()
    {
        Assert.True(SilenceVerdict.MarkDown(100, 20, threshold: 0.2));
        Assert.False(SilenceVerdict.MarkDown(100, 21, threshold: 0.2));
    }

    [Theory]
    [InlineData(-1, 0)]
    [InlineData(0, -1)]
    [InlineData(2, 3)]
    public void Impossible_counts_are_refused(int ready, int silent) =>
        Assert.Throws<ArgumentOutOfRangeException>(() => SilenceVerdict.MarkDown(ready, silent));
}
