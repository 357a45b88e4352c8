namespace Orchestrator.StateStore.Jobs;

public sealed class JobOptions
{
    public const string Section = "StateStore:Jobs";

    /// <summary>How often every job is brought to what it wants: how soon a task that ended is replaced.</summary>
    [Positive]
    public TimeSpan ReconcileInterval { get; set; } = TimeSpan.FromSeconds(2);
}
