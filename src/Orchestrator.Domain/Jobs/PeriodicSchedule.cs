using Cronos;

namespace Orchestrator.Domain.Jobs;

/// <summary>What a periodic job does when a run is due while its last one still runs.</summary>
public enum OverlapPolicy
{
    /// <summary>Starts the new run beside the old (Kubernetes' Allow).</summary>
    Allow,

    /// <summary>Skips the new run (Kubernetes' Forbid, Nomad's prohibit_overlap); the default.</summary>
    Skip,

    /// <summary>Stops the old run and starts the new one (Kubernetes' Replace).</summary>
    Replace,
}

/// <summary>
/// A periodic job's schedule: a cron expression read by Cronos, five fields (minute to day of week), or six with
/// seconds first, or a macro such as <c>@daily</c>, in a time zone (UTC by default), so that a run at 02:00 stays at
/// 02:00 across daylight saving changes.
/// </summary>
public sealed class PeriodicSchedule
{
    private static readonly TimeSpan RecentWindow = TimeSpan.FromHours(1);

    /// <summary>How many occurrences a catch-up walks at most; a schedule this dense always has one in the last hour.</summary>
    private const int MaxMissedLookups = 100_000;

    private readonly CronExpression _cron;
    private readonly TimeZoneInfo _zone;

    private PeriodicSchedule(CronExpression cron, TimeZoneInfo zone) => (_cron, _zone) = (cron, zone);

    /// <summary>The schedule, or null with the reason the expression or the zone cannot be read.</summary>
    public static PeriodicSchedule? TryParse(string expression, string? timeZone, out string? error)
    {
        error = null;
        var fields = expression.Split(' ', StringSplitOptions.RemoveEmptyEntries).Length;
        var format = fields == 6 ? CronFormat.IncludeSeconds : CronFormat.Standard;
        if (!CronExpression.TryParse(expression, format, out var cron))
        {
            error = $"'{expression}' is not a cron expression: five fields (minute hour day-of-month month day-of-week), six with seconds first, or a macro such as @hourly.";
            return null;
        }
        var zone = TimeZoneInfo.Utc;
        if (timeZone is not null && !TimeZoneInfo.TryFindSystemTimeZoneById(timeZone, out zone))
        {
            error = $"'{timeZone}' is not a time zone this system knows: use an IANA name such as Europe/Berlin.";
            return null;
        }
        return new PeriodicSchedule(cron, zone!);
    }

    /// <summary>Reads a schedule that was validated before; throws if it no longer reads (a time zone gone from the system).</summary>
    public static PeriodicSchedule Parse(string expression, string? timeZone) =>
        TryParse(expression, timeZone, out var error) ?? throw new FormatException(error);

    /// <summary>The first occurrence after <paramref name="after"/>, or null if there is none (e.g. 30 February).</summary>
    public DateTimeOffset? NextAfter(DateTimeOffset after) => _cron.GetNextOccurrence(after, _zone);

    /// <summary>
    /// The run due at <paramref name="now"/> when the last one handled was at <paramref name="after"/>: the latest
    /// occurrence in (after, now], or null if none has come. Runs missed while the control plane was down come to one
    /// run, the latest, never one for each.
    /// </summary>
    public DateTimeOffset? DueRun(DateTimeOffset after, DateTimeOffset now)
    {
        if (NextAfter(after) is not { } next || next > now)
            return null;
        // The latest occurrence is found among the last hour's first, so that a frequent schedule missed for days
        // does not walk every occurrence since; a rare one (none in that hour) walks from the first it missed.
        var recent = now - RecentWindow > next ? now - RecentWindow : next;
        var latest = _cron.GetOccurrences(recent, now, _zone, fromInclusive: true, toInclusive: true).LastOrDefault();
        if (latest != default)
            return latest;
        return _cron.GetOccurrences(next, now, _zone, fromInclusive: true, toInclusive: true).Take(MaxMissedLookups).Last();
    }
}
