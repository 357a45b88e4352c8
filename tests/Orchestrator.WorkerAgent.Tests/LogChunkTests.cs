using Orchestrator.WorkerAgent.Runtime;

namespace Orchestrator.WorkerAgent.Tests;

/// <summary>A chunk of a container's output: whole lines after the cursor, without timestamps, at most a size.</summary>
public sealed class LogChunkTests
{
    private static readonly DateTimeOffset Start = new(2026, 12, 6, 4, 0, 0, TimeSpan.Zero);

    private static string Line(int second, string text) => $"{Start.AddSeconds(second):yyyy-MM-ddTHH:mm:ss.fffffffZ} {text}";

    [Fact]
    public void Lines_come_without_their_timestamps_and_the_last_ones_is_the_cursor()
    {
        var chunk = new LogChunk(after: null, limitBytes: 1024);

        Assert.True(chunk.Add(Line(1, "one")));
        Assert.True(chunk.Add(Line(2, "two")));

        Assert.Equal("one\ntwo\n", chunk.Text);
        Assert.Equal(Start.AddSeconds(2), chunk.Last);
        Assert.False(chunk.Full);
    }

    [Fact]
    public void Lines_at_or_before_the_cursor_are_skipped_and_with_none_after_it_the_cursor_stays()
    {
        var chunk = new LogChunk(after: Start.AddSeconds(2), limitBytes: 1024);

        chunk.Add(Line(1, "one"));
        chunk.Add(Line(2, "two"));

        Assert.Equal("", chunk.Text);
        Assert.Equal(Start.AddSeconds(2), chunk.Last);
    }

    [Fact]
    public void A_full_chunk_ends_at_the_last_whole_line_that_fits_and_refuses_the_rest()
    {
        var chunk = new LogChunk(after: null, limitBytes: 10);

        Assert.True(chunk.Add(Line(1, "abcd")));
        Assert.False(chunk.Add(Line(2, "efghij")));
        Assert.False(chunk.Add(Line(3, "k")));

        Assert.Equal("abcd\n", chunk.Text);
        Assert.Equal(Start.AddSeconds(1), chunk.Last);
        Assert.True(chunk.Full);
    }

    [Fact]
    public void The_next_chunk_from_the_cursor_goes_on_where_the_full_one_stopped()
    {
        string[] log = [Line(1, "abcd"), Line(2, "efgh"), Line(3, "ijkl")];
        var first = new LogChunk(after: null, limitBytes: 10);
        foreach (var line in log)
            if (!first.Add(line))
                break;
        var second = new LogChunk(after: first.Last, limitBytes: 10);
        foreach (var line in log)
            if (!second.Add(line))
                break;

        Assert.Equal("abcd\nefgh\nijkl\n", first.Text + second.Text);
        Assert.True(first.Full);
        Assert.False(second.Full);
    }

    [Fact]
    public void A_line_longer_than_the_chunk_comes_back_cut_on_a_whole_character_rather_than_not_at_all()
    {
        var chunk = new LogChunk(after: null, limitBytes: 6);

        Assert.False(chunk.Add(Line(1, "ab€cdef")));

        // "ab€c" is 6 bytes in UTF-8; the line goes on, so no newline ends it.
        Assert.Equal("ab€c", chunk.Text);
        Assert.Equal(Start.AddSeconds(1), chunk.Last);
        Assert.True(chunk.Full);
        // Four bytes would end inside the euro sign's three: the cut keeps "ab".
        var narrower = new LogChunk(after: null, limitBytes: 4);
        narrower.Add(Line(1, "ab€cdef"));
        Assert.Equal("ab", narrower.Text);
    }

    [Fact]
    public void A_line_without_a_timestamp_is_kept_as_it_is()
    {
        var chunk = new LogChunk(after: null, limitBytes: 100);

        chunk.Add("no stamp here");

        Assert.Equal("no stamp here\n", chunk.Text);
        Assert.Null(chunk.Last);
    }
}
