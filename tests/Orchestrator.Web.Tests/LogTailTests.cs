using Orchestrator.Web.Components.Shared;

namespace Orchestrator.Web.Tests;

public sealed class LogTailTests
{
    [Fact]
    public void It_keeps_the_newest_lines_up_to_its_capacity_each_with_the_number_it_arrived_as()
    {
        var tail = new LogTail(capacity: 3);

        foreach (var line in new[] { "a", "b", "c", "d", "e" })
            tail.Add(line);

        Assert.Equal(["c", "d", "e"], tail.Lines.Select(l => l.Text));
        Assert.Equal([2L, 3L, 4L], tail.Lines.Select(l => l.Number));
    }

    [Fact]
    public void A_tail_read_whole_replaces_what_was_shown_without_a_blank_last_line_and_numbers_go_on()
    {
        var tail = new LogTail(capacity: 10);
        tail.Add("old");

        tail.Replace("one\n\ntwo\n");

        Assert.Equal(["one", "", "two"], tail.Lines.Select(l => l.Text));
        Assert.True(tail.Lines.First().Number > 0, "a replaced line never reuses the number, and so the key, of one shown before");
    }
}
