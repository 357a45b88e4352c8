namespace Orchestrator.WorkerAgent.Runtime;

/// <summary>
/// The labels the agent puts on a named volume when it creates one for a task: how it lists the volumes it owns,
/// and tells a user whose data each one holds. Set once, at creation; the engine cannot change a volume's labels.
/// </summary>
public static class VolumeLabels
{
    /// <summary>The volume's name in the task's spec (<c>source</c>), before the job's slot is added to it.</summary>
    public const string Source = "orchestrator.volume";

    /// <summary>The node whose agent created it.</summary>
    public const string NodeId = ContainerLabels.NodeId;

    /// <summary>The job and slot it belongs to, for a job's task.</summary>
    public const string Job = "orchestrator.job";
    public const string Slot = "orchestrator.slot";

    /// <summary>The task, and its name, that first mounted it.</summary>
    public const string CreatedBy = "orchestrator.created-by";
    public const string CreatedByName = "orchestrator.created-by-name";
}
