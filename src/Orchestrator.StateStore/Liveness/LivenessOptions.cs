using System.ComponentModel.DataAnnotations;

namespace Orchestrator.StateStore.Liveness;

public sealed class LivenessOptions
{
    public const string Section = "StateStore:Liveness";

    /// <summary>A node silent for longer than this is Down. A shorter blip changes nothing.</summary>
    [Positive]
    public TimeSpan NodeTtl { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>
    /// No node is marked Down before the liveness monitor has watched this long (or the TTL, if longer): after a
    /// restart of the control plane the nodes' last heartbeats on record are as old as the outage, and their agents,
    /// restarted with it or reconnecting, need time to report. Nomad's failover heartbeat TTL plays the same part.
    /// </summary>
    [Positive]
    public TimeSpan StartupGrace { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>How often nodes' silence is checked.</summary>
    [Positive]
    public TimeSpan CheckInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// How long an agent's start or exit report is given to arrive before a heartbeat that shows the container
    /// started or ended stands in for it (the report says more, such as the OOM flag, so it is waited for first).
    /// </summary>
    [Positive]
    public TimeSpan ReportGrace { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>
    /// How long a Scheduled attempt may be missing from its node's heartbeat (no container, no start under way) with no
    /// start step recorded, before its StartTask is taken for lost and sent again. It only has to cover the command's
    /// way to the agent: a slow image pull shows in the heartbeat as a start under way.
    /// </summary>
    [Positive]
    public TimeSpan StartGrace { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// StartTasks re-sent for one attempt, each a <see cref="StartGrace"/> apart, before the attempt is given up and the
    /// task placed again: see <see cref="Orchestrator.Domain.Tasks.LostStartVerdict"/>.
    /// </summary>
    [Range(0, 100, ErrorMessage = "must be between 0 and 100")]
    public int MaxStartResends { get; set; } = Orchestrator.Domain.Tasks.LostStartVerdict.DefaultMaxResends;

    /// <summary>
    /// When more than this share of the Ready nodes (and more than two) fall silent at once, none is marked Down
    /// until the silence ends: see <see cref="Orchestrator.Domain.Nodes.SilenceVerdict"/>. 1 turns the guard off.
    /// </summary>
    [Range(0.0, 1.0, ErrorMessage = "must be between 0 and 1")]
    public double MassSilenceThreshold { get; set; } = Orchestrator.Domain.Nodes.SilenceVerdict.DefaultMassSilenceThreshold;
}
