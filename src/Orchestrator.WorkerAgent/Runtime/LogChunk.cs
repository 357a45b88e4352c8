using System.Text;

namespace Orchestrator.WorkerAgent.Runtime;

/// <summary>
/// One answer to a request for a container's output: the lines after a cursor, without the engine's timestamps, and
/// at most a number of bytes of whole lines. It is fed the engine's lines one at a time and says when it is full, so
/// the agent stops reading there, however long the log; the next chunk starts after <see cref="Last"/>. A line longer
/// than the whole chunk comes back cut to it, without a newline, and the rest of that line is skipped, so a chunk is
/// never empty while output remains.
/// </summary>
public sealed class LogChunk(DateTimeOffset? after, int limitBytes)
{
    private readonly DateTimeOffset? _after = after;
    private readonly StringBuilder _text = new();
    private int _bytes;

    public string Text => _text.ToString();

    /// <summary>The timestamp of the last line taken: where the next chunk, or a follow, goes on from.</summary>
    public DateTimeOffset? Last { get; private set; } = after;

    /// <summary>A line did not fit: more output follows <see cref="Last"/>.</summary>
    public bool Full { get; private set; }

    /// <summary>Takes one line as the engine gave it (a timestamp, a space, the text; no newline). False once full.</summary>
    public bool Add(string line)
    {
        if (Full)
            return false;
        if (line.Length == 0)
            return true;
        var content = line;
        DateTimeOffset? stamp = null;
        var space = line.IndexOf(' ');
        if (space > 0 && LogLines.TryParse(line[..space], out var parsed))
        {
            if (_after is { } cursor && parsed <= cursor)
                return true;
            stamp = parsed;
            content = line[(space + 1)..];
        }
        var size = Encoding.UTF8.GetByteCount(content) + 1;
        if (_bytes + size > limitBytes)
        {
            Full = true;
            if (_bytes > 0)
                return false;
            // The line's start, without a newline: it does not end there.
            _text.Append(Cut(content, limitBytes));
        }
        else
        {
            _text.Append(content).Append('\n');
            _bytes += size;
        }
        if (stamp is not null)
            Last = stamp;
        return !Full;
    }

    /// <summary>The longest start of <paramref name="text"/> of at most <paramref name="bytes"/> UTF-8 bytes, whole characters.</summary>
    private static string Cut(string text, int bytes)
    {
        var length = Math.Min(text.Length, bytes);
        while (length > 0 && Encoding.UTF8.GetByteCount(text.AsSpan(0, length)) > bytes)
            length--;
        if (length > 0 && char.IsHighSurrogate(text[length - 1]))
            length--;
        return text[..length];
    }
}
