using System.ComponentModel.DataAnnotations;

namespace Orchestrator.WorkerAgent.Reporting;

/// <summary>When the agent removes unused images (section <c>Agent:ImageGc</c>).</summary>
public sealed class ImageGcOptions
{
    public const string Section = "Agent:ImageGc";

    /// <summary>Off, the agent never removes an image.</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>How often the agent looks at the image disk.</summary>
    [Positive]
    public TimeSpan Interval { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>How long an image must have gone unused (since it was last tagged, else created) before it may go.</summary>
    public TimeSpan UnusedFor { get; set; } = TimeSpan.FromHours(1);

    /// <summary>Above this share of the image disk used, the agent starts removing images.</summary>
    [Range(0, 100, ErrorMessage = "must be between 0 and 100")]
    public int HighThresholdPercent { get; set; } = 85;

    /// <summary>The agent stops removing once the disk is at or below this share.</summary>
    [Range(0, 100, ErrorMessage = "must be between 0 and 100")]
    public int LowThresholdPercent { get; set; } = 80;

    /// <summary>
    /// Images never removed: patterns matched against an image's tags, digests and id, where <c>*</c> stands for any
    /// characters (<c>orchestrator/*</c>, <c>postgres:*</c>).
    /// </summary>
    public List<string> Keep { get; set; } = [];
}
