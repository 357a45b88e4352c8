namespace Orchestrator.Contracts;

/// <summary>
/// A page of a task's history, oldest first: at most <paramref name="Limit"/> events, those after the event numbered
/// <paramref name="After"/> (<see cref="TaskEventDetails.Sequence"/>) when given. The Api runs it against the store.
/// </summary>
public sealed record GetTaskEvents(Guid TaskId, int Limit = GetTaskEvents.DefaultLimit, long? After = null)
{
    public const int DefaultLimit = 500;
    public const int MaxLimit = 5000;
}
