using Orchestrator.StateStore.Leadership;
using Orchestrator.StateStore.Persistence.Entities;

namespace Orchestrator.StateStore.Tests;

public sealed class SchedulerSharesTests
{
    [Fact]
    public void A_member_gets_its_place_among_the_members_in_their_order()
    {
        string[] members = ["scheduler/a", "scheduler/b", "scheduler/c"];

        Assert.Equal(new PendingShare(0, 3), PendingShare.Of(members, "scheduler/a"));
        Assert.Equal(new PendingShare(2, 3), PendingShare.Of(members, "scheduler/c"));
    }

    [Fact]
    public void A_lone_member_or_one_missing_from_the_list_gets_the_whole_queue()
    {
        Assert.True(PendingShare.Of(["scheduler/a"], "scheduler/a").IsWhole);
        Assert.True(PendingShare.Of(["scheduler/a", "scheduler/b"], "scheduler/z").IsWhole);
    }

    [Fact]
    public void A_long_name_keeps_its_unique_end_and_fits_the_lease_row()
    {
        var name = $"{new string('h', 200)}/4242/0123456789abcdef0123456789abcdef";

        var row = SchedulerShares.RowName(name);

        Assert.Equal(LeaseRecord.MaxNameLength, row.Length);
        Assert.StartsWith(SchedulerShares.Prefix, row);
        Assert.EndsWith("/4242/0123456789abcdef0123456789abcdef", row);
        Assert.Equal(SchedulerShares.Prefix + "vm/7/abc", SchedulerShares.RowName("vm/7/abc"));
    }
}
