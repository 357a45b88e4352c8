namespace Orchestrator.StateStore.Liveness;

public sealed class LivenessOptions
{
    public const string Section = "StateStore:Liveness";

    /// <summary>A node silent for longer than this is Down. A shorter blip changes nothing.</summary>
    public TimeSpan NodeTtl { get; set; } = TimeSpan.FromSeconds(15);

    public TimeSpan CheckInterval { get; set; } = TimeSpan.FromSeconds(1);
}
