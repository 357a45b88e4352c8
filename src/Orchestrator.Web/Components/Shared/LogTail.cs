namespace Orchestrator.Web.Components.Shared;

/// <summary>
/// The newest lines of a task's log, at most <paramref name="capacity"/>: a log followed for hours would otherwise
/// grow the page without end. Each line keeps the number it arrived as, which keys it in the page, so a new line
/// sends the browser that line, not the whole log again.
/// </summary>
public sealed class LogTail(int capacity)
{
    private readonly Queue<LogLine> _lines = new();
    private long _next;

    public IReadOnlyCollection<LogLine> Lines => _lines;

    public void Add(string text)
    {
        _lines.Enqueue(new LogLine(_next++, text));
        while (_lines.Count > capacity)
            _lines.Dequeue();
    }

    /// <summary>Shows <paramref name="text"/> (whole lines, as the Api sends a tail) instead of what was shown.</summary>
    public void Replace(string text)
    {
        _lines.Clear();
        foreach (var line in text.Split('\n').AsEnumerable().Reverse().SkipWhile(l => l.Length == 0).Reverse())
            Add(line);
    }

    public void Clear() => _lines.Clear();
}

public readonly record struct LogLine(long Number, string Text);
