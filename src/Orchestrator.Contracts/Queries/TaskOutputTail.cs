namespace Orchestrator.Contracts;

/// <summary>
/// The end of a task's output as its agent reported it at an exit recorded at <paramref name="At"/>; <paramref name="Cut"/>
/// says that earlier output was left out. <paramref name="Text"/> is null when no exit of the task kept any.
/// </summary>
public sealed record TaskOutputTail(Guid TaskId, string? Text, bool Cut, DateTimeOffset? At)
{
    /// <summary>The most an agent keeps of a container's output for its exit report.</summary>
    public const int MaxBytes = 4096;
}
