using System.Globalization;
using System.Text;

namespace Orchestrator.WorkerAgent.Runtime;

/// <summary>
/// The engine prefixes each log line with an RFC 3339 timestamp when asked. The agent strips it for users and keeps
/// the last one as the cursor of a follow or of the next chunk (<see cref="LogChunk"/>).
/// </summary>
public static class LogLines
{
    /// <summary>Parses "2026-11-25T11:00:00.123456789Z", keeping the 100 ns that DateTimeOffset can hold.</summary>
    internal static bool TryParse(string value, out DateTimeOffset stamp)
    {
        var dot = value.IndexOf('.');
        if (dot > 0 && value.EndsWith('Z') && value.Length - dot - 2 > 7)
            value = string.Concat(value.AsSpan(0, dot + 8), "Z");
        return DateTimeOffset.TryParse(value, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out stamp);
    }
}
