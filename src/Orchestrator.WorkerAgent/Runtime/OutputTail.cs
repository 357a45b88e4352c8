using System.Text;

namespace Orchestrator.WorkerAgent.Runtime;

/// <summary>
/// The end of a container's output as read at an exit, kept in the exit report so it outlives the container.
/// <paramref name="Cut"/> says that earlier output was left out.
/// </summary>
public sealed record OutputTail(string Text, bool Cut);

/// <summary>
/// Keeps the last <see cref="MaxBytes"/> bytes of output read in pieces, so a container that wrote gigabytes costs
/// no more memory than one that wrote a line. The kept bytes start on a UTF-8 boundary: a character whose first bytes
/// were left out is left out whole, rather than shown as a replacement character.
/// </summary>
public sealed class OutputTailBuffer
{
    public const int MaxBytes = 4096;

    private readonly byte[] _kept = new byte[MaxBytes];
    private int _length;
    private long _total;

    public void Append(ReadOnlySpan<byte> bytes)
    {
        _total += bytes.Length;
        if (bytes.Length >= MaxBytes)
        {
            bytes[^MaxBytes..].CopyTo(_kept);
            _length = MaxBytes;
            return;
        }
        var overflow = _length + bytes.Length - MaxBytes;
        if (overflow > 0)
        {
            _kept.AsSpan(overflow, _length - overflow).CopyTo(_kept);
            _length -= overflow;
        }
        bytes.CopyTo(_kept.AsSpan(_length));
        _length += bytes.Length;
    }

    public OutputTail ToTail()
    {
        var kept = _kept.AsSpan(0, _length);
        var cut = _total > _length;
        if (cut)
        {
            // Continuation bytes (10xxxxxx) at the start belong to a character whose lead byte was left out.
            var skip = 0;
            while (skip < kept.Length && skip < 3 && (kept[skip] & 0xC0) == 0x80)
                skip++;
            kept = kept[skip..];
        }
        return new OutputTail(Encoding.UTF8.GetString(kept), cut);
    }
}
