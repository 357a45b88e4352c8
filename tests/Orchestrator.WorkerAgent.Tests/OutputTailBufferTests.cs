using System.Text;
using Orchestrator.WorkerAgent.Runtime;

namespace Orchestrator.WorkerAgent.Tests;

/// <summary>The end of a container's output kept for its exit report: its size, where it is cut, and that it says so.</summary>
public sealed class OutputTailBufferTests
{
    [Fact]
    public void Output_under_the_limit_is_kept_whole_and_not_marked_cut()
    {
        var buffer = new OutputTailBuffer();
        buffer.Append("line 1\n"u8);
        buffer.Append("line 2\n"u8);

        Assert.Equal(new OutputTail("line 1\nline 2\n", Cut: false), buffer.ToTail());
    }

    [Fact]
    public void Nothing_written_is_an_empty_tail()
    {
        Assert.Equal(new OutputTail("", Cut: false), new OutputTailBuffer().ToTail());
    }

    [Fact]
    public void Output_of_exactly_the_limit_is_not_cut()
    {
        var buffer = new OutputTailBuffer();
        buffer.Append(Encoding.ASCII.GetBytes(new string('x', OutputTailBuffer.MaxBytes)));

        var tail = buffer.ToTail();

        Assert.False(tail.Cut);
        Assert.Equal(OutputTailBuffer.MaxBytes, tail.Text.Length);
    }

    [Fact]
    public void Longer_output_keeps_only_its_last_bytes_across_pieces_and_is_marked_cut()
    {
        var buffer = new OutputTailBuffer();
        var written = new StringBuilder();
        for (var i = 1; i <= 1000; i++)
        {
            var line = $"line {i}\n";
            written.Append(line);
            buffer.Append(Encoding.ASCII.GetBytes(line));
        }

        var tail = buffer.ToTail();

        Assert.True(tail.Cut);
        Assert.Equal(written.ToString()[^OutputTailBuffer.MaxBytes..], tail.Text);
        Assert.EndsWith("line 1000\n", tail.Text);
    }

    [Fact]
    public void One_piece_larger_than_the_limit_keeps_its_end()
    {
        var buffer = new OutputTailBuffer();
        buffer.Append("start\n"u8);
        buffer.Append(Encoding.ASCII.GetBytes(new string('a', 10_000) + "end\n"));

        var tail = buffer.ToTail();

        Assert.True(tail.Cut);
        Assert.Equal(OutputTailBuffer.MaxBytes, tail.Text.Length);
        Assert.EndsWith("aend\n", tail.Text);
    }

    [Theory]
    [InlineData("é", 1)] // 2 bytes: the cut falls after its lead byte
    [InlineData("€", 1)] // 3 bytes: one continuation byte kept
    [InlineData("€", 2)] // 3 bytes: two continuation bytes kept
    [InlineData("😀", 3)] // 4 bytes: three continuation bytes kept
    public void A_character_cut_in_two_is_left_out_whole(string character, int bytesKept)
    {
        var encoded = Encoding.UTF8.GetBytes(character);
        var filler = OutputTailBuffer.MaxBytes - bytesKept;
        var buffer = new OutputTailBuffer();
        buffer.Append(encoded);
        buffer.Append(Encoding.ASCII.GetBytes(new string('b', filler)));

        var tail = buffer.ToTail();

        Assert.True(tail.Cut);
        Assert.Equal(new string('b', filler), tail.Text);
        Assert.DoesNotContain('\uFFFD', tail.Text);
    }

    [Fact]
    public void A_character_that_starts_exactly_at_the_cut_is_kept()
    {
        var buffer = new OutputTailBuffer();
        buffer.Append("zz"u8);
        var euro = Encoding.UTF8.GetBytes("€");
        buffer.Append(euro);
        buffer.Append(Encoding.ASCII.GetBytes(new string('c', OutputTailBuffer.MaxBytes - euro.Length)));

        var tail = buffer.ToTail();

        Assert.True(tail.Cut);
        Assert.StartsWith("€c", tail.Text);
        Assert.Equal(OutputTailBuffer.MaxBytes, Encoding.UTF8.GetByteCount(tail.Text));
    }
}
