using Orchestrator.Domain.Tasks;

namespace Orchestrator.Domain.Tests.Tasks;

public sealed class LostStartVerdictTests
{
    private static readonly DateTimeOffset Placed = new(2026, 12, 5, 12, 0, 0, TimeSpan.Zero);
    private static readonly TimeSpan Grace = TimeSpan.FromSeconds(30);

    [Fact]
    public void An_attempt_the_heartbeat_lists_is_never_lost_however_long_it_takes() =>
        Assert.Equal(LostStartAction.Wait, LostStartVerdict.Judge(agentHoldsIt: true, Placed, resends: 3, Placed.AddHours(1), Grace));

    [Theory]
    [InlineData(0)]
    [InlineData(29)]
    [InlineData(30)]
    public void An_attempt_missing_from_the_heartbeat_within_the_grace_is_waited_for(int seconds) =>
        Assert.Equal(LostStartAction.Wait, LostStartVerdict.Judge(agentHoldsIt: false, Placed, resends: 0, Placed.AddSeconds(seconds), Grace));

    [Fact]
    public void An_attempt_missing_from_the_heartbeat_past_the_grace_has_its_StartTask_sent_again() =>
        Assert.Equal(LostStartAction.Resend, LostStartVerdict.Judge(agentHoldsIt: false, Placed, resends: 0, Placed.AddSeconds(31), Grace));

    [Theory]
    [InlineData(1, LostStartAction.Resend)]
    [InlineData(2, LostStartAction.Resend)]
    [InlineData(3, LostStartAction.Replace)]
    [InlineData(4, LostStartAction.Replace)]
    public void After_the_last_re_send_the_attempt_is_given_up(int resends, LostStartAction expected) =>
        Assert.Equal(expected, LostStartVerdict.Judge(agentHoldsIt: false, Placed, resends, Placed.AddSeconds(31), Grace));

    [Fact]
    public void A_re_send_or_a_start_step_counts_as_a_sign_of_life_so_the_next_re_send_waits_a_whole_grace()
    {
        var resent = Placed.AddSeconds(31);

        Assert.Equal(LostStartAction.Wait, LostStartVerdict.Judge(agentHoldsIt: false, resent, resends: 1, resent.AddSeconds(30), Grace));
        Assert.Equal(LostStartAction.Resend, LostStartVerdict.Judge(agentHoldsIt: false, resent, resends: 1, resent.AddSeconds(31), Grace));
    }

    [Fact]
    public void No_re_sends_allowed_gives_the_attempt_up_at_the_first_grace() =>
        Assert.Equal(LostStartAction.Replace, LostStartVerdict.Judge(agentHoldsIt: false, Placed, resends: 0, Placed.AddSeconds(31), Grace, maxResends: 0));
}
