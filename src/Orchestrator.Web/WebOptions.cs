using System.ComponentModel.DataAnnotations;

namespace Orchestrator.Web;

/// <summary>Where the web UI finds the Api, and how often its pages look again (the <c>Web</c> section).</summary>
public sealed class WebOptions
{
    public const string Section = "Web";

    /// <summary>The Api's base address, e.g. <c>http://api.internal:5000</c>; under Aspire, <c>http://api</c>.</summary>
    [Required(ErrorMessage = "must be set to the Api's address")]
    public Uri? Api { get; set; }

    /// <summary>How often an open page asks the Api again: the overview, a task, its logs, a job, a node.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "00:10:00")]
    public TimeSpan RefreshInterval { get; set; } = TimeSpan.FromSeconds(3);

    /// <summary>
    /// The Aspire dashboard's address (or another that serves <c>/traces/detail/{traceId}</c>), for a link from a task
    /// to the trace of its submission; unset, there is no link. The AppHost sets it.
    /// </summary>
    public Uri? Dashboard { get; set; }
}
